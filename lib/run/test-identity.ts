// What identifies a vitest test case in the harness's terms: its declared key, its display id
// (`suite/file › describe › title`, no protocol), title, suite, statement ids and protocol. Read from
// the case's registration alone, so a collected-only test (lib/run/test-registry.ts) and a finished one
// (lib/run/vitest-runner.ts) get the same identity.
import path from 'node:path';
import type { TestCase, TestModule } from 'vitest/node';
import { ROOT } from '../core/paths.ts';
import { PROTOCOL_VERSIONS, type ProtocolVersion } from '../core/broker.ts';

export interface TestIdentity {
  /** As declared by the suite (meta.key); undefined when the test declares none. */
  key: string | undefined;
  id: string;
  title: string;
  suite: string;
  spec: string[];
  protocol: ProtocolVersion | null;
}

const PROTOCOL_SEGMENT = /^mqtt (3\.1\.1|5)$/;
const SPEC_ID = /\[?(MQTT-\d[\d.]*-\d+)\]?/g;

/** Title path of a test case, outermost describe first. */
function titlePath(test: TestCase): string[] {
  const names: string[] = [test.name];
  let parent = test.parent;
  while (parent.type === 'suite') {
    names.unshift(parent.name);
    parent = parent.parent;
  }
  return names;
}

export function suiteOf(module: TestModule): string {
  const rel = path.relative(path.join(ROOT, 'suites'), module.moduleId);
  // A fixture suite outside suites/ (the self-test aid --suites-dir): its folder names the suite.
  if (rel.startsWith('..')) return path.basename(path.dirname(module.moduleId));
  return rel.split(path.sep)[0] ?? 'unknown';
}

export function fileOf(module: TestModule): string {
  return path.basename(module.moduleId).replace(/\.test\.ts$/, '');
}

export function identityOf(test: TestCase): TestIdentity {
  const suite = suiteOf(test.module);
  const segments = titlePath(test);
  const protocolSegment = segments.find((s) => PROTOCOL_SEGMENT.test(s));
  const meta = test.meta();
  // meta.protocol is set by a beforeEach, so only a test that ran has it; the describe segment
  // `mqtt <version>` is there from registration on.
  const protocol = meta.protocol ?? (protocolSegment?.replace('mqtt ', '') as ProtocolVersion | undefined) ?? null;
  const title = segments.filter((s) => !PROTOCOL_SEGMENT.test(s)).join(' › ');
  return {
    key: meta.key,
    id: `${suite}/${fileOf(test.module)} › ${title}`,
    title,
    suite,
    spec: meta.spec ?? [...new Set([...test.name.matchAll(SPEC_ID)].map((m) => m[1]!))],
    protocol: PROTOCOL_VERSIONS.includes(protocol as ProtocolVersion) ? protocol : null,
  };
}
