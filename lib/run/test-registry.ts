// Every test the suites register, without running one and without a broker: vitest collects the
// suite files (runs their top level, not the tests) under a synthetic HarnessContext that offers both
// protocol versions, every listener and every capability, so no test is left out for lack of them.
// test/test-keys.test.ts checks the key rules over this list.
import path from 'node:path';
import { Writable } from 'node:stream';
import { createVitest } from 'vitest/node';
import type { HarnessContext } from '../core/harness-context.ts';
import { LISTENER_NAMES, PROTOCOL_VERSIONS, type Capabilities, type ListenerInfo, type ListenerName } from '../core/broker.ts';
import { ROOT } from '../core/paths.ts';
import { identityOf, type TestIdentity } from './test-identity.ts';

export type RegisteredTest = TestIdentity;

/** Never connected to: collection runs no test. Port 9 (discard) marks the addresses as unusable. */
function listener(name: ListenerName): ListenerInfo {
  const tls = name === 'tls' || name === 'mtls';
  return { name, url: `${tls ? 'mqtts' : 'mqtt'}://127.0.0.1:9`, host: '127.0.0.1', port: 9, tls };
}

type OnOffCapability = Exclude<keyof Capabilities, 'notes' | 'protocols' | 'maxQos'>;
/** Every on/off capability on; typed as a full Record so a new capability fails to compile until listed. */
const EVERY_CAPABILITY: Record<OnOffCapability, true> = {
  retain: true, wildcards: true, sharedSubscriptions: true, sysTopics: true, willMessages: true, persistentSessions: true,
  tls: true, clientCertificates: true, crl: true, passwordAuth: true, acl: true, subscriptionIdentifiers: true,
};

export const REGISTRY_CONTEXT: HarnessContext = {
  runId: 'test-registry',
  target: {
    name: 'registry',
    driver: 'external',
    brokerVersion: 'any',
    capabilities: { protocols: [...PROTOCOL_VERSIONS], maxQos: 2, ...EVERY_CAPABILITY },
    listeners: Object.fromEntries(LISTENER_NAMES.map((n) => [n, listener(n)])),
    missingListeners: {},
  },
  protocols: [...PROTOCOL_VERSIONS],
  requestedProtocols: [...PROTOCOL_VERSIONS],
  strict: false,
};

/** Collection only prints vitest's banner and summary; keep them off the caller's output. */
const discard = () => new Writable({ write: (_chunk, _encoding, done) => done() });

/**
 * Every test registered in `suites` (folders under suites/; default: all of them), one entry per
 * registration — a definition under both protocols appears twice, with the same key and id.
 * Throws when a suite file fails to load, naming the file, so a broken file cannot hide its tests.
 */
export async function listRegisteredTests(suites?: string[]): Promise<RegisteredTest[]> {
  const include = suites ? suites.map((s) => `suites/${s}/**/*.test.ts`) : ['suites/**/*.test.ts'];
  const previousExitCode = process.exitCode;
  const vitest = await createVitest('test', {
    root: ROOT,
    config: path.join(ROOT, 'vitest.config.ts'),
    include,
    provide: { harness: REGISTRY_CONTEXT },
    reporters: [],
    watch: false,
    passWithNoTests: true,
  }, undefined, { stdout: discard(), stderr: discard() });
  try {
    const { testModules, unhandledErrors } = await vitest.collect();
    const failures = [
      ...testModules.flatMap((m) => m.errors().map((e) => `${path.relative(ROOT, m.moduleId)}: ${e.message}`)),
      ...unhandledErrors.map((e) => (e instanceof Error ? e.message : String(e))),
    ];
    if (failures.length) throw new Error(`collecting the suites failed:\n${failures.join('\n')}`);
    return testModules.flatMap((m) => [...m.children.allTests()].map(identityOf));
  } finally {
    await vitest.close();
    process.exitCode = previousExitCode; // collecting is not a verdict; vitest may set it on errors
  }
}
