// Known deviations per target (fixtures/expectations/<target>.json), each naming a test by its key
// and protocol. A listed failure becomes `expected-failure` and does not fail the run; a listed test
// that passes is flagged stale so the file can be pruned.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../core/errors.ts';
import { PROTOCOL_VERSIONS, type ProtocolVersion } from '../core/broker.ts';
import type { TestResult } from './types.ts';

export interface ExpectationEntry {
  /** The test's stable key (docs/test-keys.md); never its title, so rewording a title orphans nothing. */
  key: string;
  /** The protocol the deviation shows under; absent (or null) = every protocol the test runs under. */
  protocol?: ProtocolVersion | null;
  /** Statement id(s) the broker deviates from. */
  spec?: string[];
  reason: string;
  /** Broker version the deviation was seen with; a different version still applies it. */
  brokerVersion?: string;
}

export interface ExpectationsFile {
  target: string;
  deviations: ExpectationEntry[];
}

export function expectationsPath(root: string, target: string): string {
  return path.join(root, 'fixtures', 'expectations', `${target}.json`);
}

/** Where a run reads expectations from (--expectations): one file for the target it names, or a directory. */
export type ExpectationsSource = { file: string; target: string } | { dir: string };

/**
 * Validates --expectations before anything starts: a directory of <target>.json files, or one file
 * whose "target" is among the run's targets (its entries replace that target's default file).
 */
export function expectationsSource(value: string, targets: string[]): ExpectationsSource {
  const p = path.resolve(value);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    throw new UsageError(`--expectations ${value}: no such file or directory`);
  }
  if (stat.isDirectory()) {
    for (const t of targets) if (fs.existsSync(path.join(p, `${t}.json`))) readExpectationsFile(path.join(p, `${t}.json`));
    return { dir: p };
  }
  const parsed = readExpectationsFile(p);
  if (!targets.includes(parsed.target)) throw new UsageError(`--expectations ${value} is for target "${parsed.target}", which this run does not include (${targets.join(', ')})`);
  return { file: p, target: parsed.target };
}

/** The expectations of one target: from --expectations when it covers the target, else fixtures/expectations. */
export function expectationsFor(root: string, target: string, source?: ExpectationsSource): ExpectationEntry[] {
  if (source && 'file' in source) return source.target === target ? readExpectationsFile(source.file).deviations : loadExpectations(root, target);
  if (source) {
    const file = path.join(source.dir, `${target}.json`);
    return fs.existsSync(file) ? readExpectationsFile(file).deviations : [];
  }
  return loadExpectations(root, target);
}

export function loadExpectations(root: string, target: string): ExpectationEntry[] {
  const file = expectationsPath(root, target);
  if (!fs.existsSync(file)) return [];
  return readExpectationsFile(file).deviations;
}

export function readExpectationsFile(file: string): ExpectationsFile {
  let parsed: ExpectationsFile;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as ExpectationsFile;
  } catch (e) {
    throw new UsageError(`expectations file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed?.target !== 'string') throw new UsageError(`expectations file ${file}: "target" must name the broker the entries are for`);
  if (!Array.isArray(parsed.deviations)) throw new UsageError(`expectations file ${file}: "deviations" must be an array`);
  parsed.deviations.forEach((d: Partial<ExpectationEntry> & { id?: unknown }, i) => {
    const at = `expectations file ${file}: deviations[${i}]`;
    if (typeof d?.key !== 'string' || !d.key) {
      // The pre-key format named tests by title (`id`, with `*` prefixes): scripts/migrate-expectations.ts rewrites it.
      const was = typeof d?.id === 'string' ? ` (it has the old "id" ${JSON.stringify(d.id.slice(0, 80))}; run scripts/migrate-expectations.ts)` : '';
      throw new UsageError(`${at} needs a string "key" naming the test (docs/test-keys.md)${was}`);
    }
    if (typeof d.reason !== 'string' || !d.reason.trim()) throw new UsageError(`${at} (${d.key}) needs a non-empty "reason"`);
    if (d.protocol != null && !(PROTOCOL_VERSIONS as readonly unknown[]).includes(d.protocol)) {
      throw new UsageError(`${at} (${d.key}): "protocol" ${JSON.stringify(d.protocol)} must be one of ${PROTOCOL_VERSIONS.map((p) => `"${p}"`).join(', ')}, or absent for every protocol`);
    }
  });
  return parsed;
}

function matches(entry: ExpectationEntry, test: TestResult): boolean {
  return entry.key === test.key && (entry.protocol == null || entry.protocol === test.protocol);
}

export function applyExpectations(tests: TestResult[], entries: ExpectationEntry[]): TestResult[] {
  return tests.map((t) => {
    const entry = entries.find((e) => matches(e, t));
    if (!entry) return t;
    const expectation = { reason: entry.reason, ...(entry.brokerVersion ? { brokerVersion: entry.brokerVersion } : {}) };
    if (t.status === 'failed') return { ...t, status: 'expected-failure', detail: { ...t.detail, expectation } };
    if (t.status === 'passed') return { ...t, detail: { ...t.detail, expectation: { ...expectation, stale: true } } };
    return t;
  });
}

/** A key's area (docs/test-keys.md): its first segment, the subject of the file that declares it. */
const areaOf = (key: string) => key.split('.')[0];

/**
 * Entries that match no test although their suite ran for their protocol in this run: the test was
 * removed or re-keyed, so the entry silently covers nothing. Reported so the file can be fixed. A
 * key does not name its suite, so the suite is the one whose tests share the entry's area; an entry
 * whose area no test of this run has is not judged here (the registry check in
 * unregistered-keys.ts catches keys that exist nowhere).
 */
export function unmatchedExpectations(tests: TestResult[], entries: ExpectationEntry[]): ExpectationEntry[] {
  return entries.filter((e) => {
    if (tests.some((t) => matches(e, t))) return false;
    const suites = new Set(tests.filter((t) => areaOf(t.key) === areaOf(e.key)).map((t) => t.suite));
    return tests.some((t) => suites.has(t.suite) && (e.protocol == null || e.protocol === t.protocol));
  });
}

/** How a report names an entry: `[mqtt 5] publish.overlap-max-qos`. */
export const describeEntry = (e: ExpectationEntry) => `${e.protocol ? `[mqtt ${e.protocol}] ` : ''}${e.key}`;
