// Known deviations per target (fixtures/expectations/<target>.json), each naming a test by its key,
// protocol, broker version range and the failure it expects (issue "No false pass"). Only that
// failure becomes `expected-failure`; another failure of the same test stays `failed`; a listed test
// that passes is a stale entry (with --strict-expectations, a failed run).
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../core/errors.ts';
import { PROTOCOL_VERSIONS, type ProtocolVersion } from '../core/broker.ts';
import type { ExpectationDetail, TestResult } from './types.ts';
import { normalizeRange, versionInRange } from './version-range.ts';

/**
 * The failure an entry expects, matched against the failed assertion: `reason` is a substring of its
 * message's first line (`detail.reason`), `actual` a substring of the value observed (`detail.actual`).
 * Both given: both must match. Substrings are case-sensitive; a different failure of the same test
 * stays `failed` (issue "No false pass": an entry excuses one behaviour, not the test).
 */
export interface ExpectedFailure {
  reason?: string;
  actual?: string;
}

export interface ExpectationEntry {
  /** The test's stable key (docs/test-keys.md); never its title, so rewording a title orphans nothing. */
  key: string;
  /**
   * The protocol the deviation shows under: required, one entry per protocol. `null` only for a test
   * that runs under no protocol at all (its results carry protocol null: TLS handshake tests); it
   * never means "every protocol".
   */
  protocol: ProtocolVersion | null;
  /**
   * Broker versions the deviation is known for: a semver range over the version the broker reports
   * (lib/results/version-range.ts; "2.0.11", ">=2.0.0 <2.0.19", "3.10.x", "23.01"). Out of range, the
   * entry does not apply, so a deviation fixed in a newer release shows there as a plain pass.
   */
  brokerVersions: string;
  /** What the failure must look like for the entry to excuse it. */
  failure: ExpectedFailure;
  /** Statement id(s) the broker deviates from. */
  spec?: string[];
  /** The human explanation: the behaviour observed, checked against the statement. */
  reason: string;
  /**
   * A race the broker loses only some of the time: how often it was seen ("1 of 3 runs: the session
   * outlives the close by a few ms"). The entry still excuses only its failure; a pass is a plain pass,
   * not a stale entry. Without it, a deviation must show every time.
   */
  intermittent?: string;
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

const FAILURE_FIELDS = ['reason', 'actual'] as const;

export function readExpectationsFile(file: string): ExpectationsFile {
  let parsed: ExpectationsFile;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as ExpectationsFile;
  } catch (e) {
    throw new UsageError(`expectations file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed?.target !== 'string') throw new UsageError(`expectations file ${file}: "target" must name the broker the entries are for`);
  if (!Array.isArray(parsed.deviations)) throw new UsageError(`expectations file ${file}: "deviations" must be an array`);
  parsed.deviations.forEach((d, i) => validateEntry(d as unknown as Record<string, unknown>, `expectations file ${file}: deviations[${i}]`));
  return parsed;
}

/** Every field checked once, at load; each error is one line naming the file, the entry and the field. */
function validateEntry(d: Record<string, unknown>, at: string): void {
  if (typeof d?.key !== 'string' || !d.key) {
    // The pre-key format named tests by title (`id`, with `*` prefixes): scripts/migrate-expectations.ts rewrites it.
    const was = typeof d?.id === 'string' ? ` (it has the old "id" ${JSON.stringify(d.id.slice(0, 80))}; run scripts/migrate-expectations.ts)` : '';
    throw new UsageError(`${at} needs a string "key" naming the test (docs/test-keys.md)${was}`);
  }
  const fail = (field: string, what: string) => { throw new UsageError(`${at} (${d.key}): "${field}" ${what}`); };
  if (typeof d.reason !== 'string' || !d.reason.trim()) fail('reason', 'must be a non-empty explanation of the behaviour observed');
  if (d.protocol !== null && !(PROTOCOL_VERSIONS as readonly unknown[]).includes(d.protocol)) {
    fail('protocol', `${d.protocol === undefined ? 'is missing' : JSON.stringify(d.protocol)}: it must be one of ${PROTOCOL_VERSIONS.map((p) => `"${p}"`).join(', ')} (one entry per protocol), or null for a test that runs under no protocol (TLS handshakes)`);
  }
  if (d.brokerVersion !== undefined) fail('brokerVersion', 'is replaced by "brokerVersions", a version range (e.g. "2.0.11", ">=2.0.0 <2.0.19")');
  if (typeof d.brokerVersions !== 'string' || !d.brokerVersions.trim()) fail('brokerVersions', 'is missing: give the broker versions the deviation is known for, e.g. "2.0.11", ">=2.0.0 <2.0.19", "3.10.x"');
  const range = d.brokerVersions as string;
  // "*" (or "x") would apply the entry to every release ever made, fixed or not.
  if (/^\s*([*xX]|>=?\s*0(\.0){0,2})?\s*$/.test(range) || /\|\|\s*[*xX]\s*($|\|)/.test(range)) fail('brokerVersions', `${JSON.stringify(range)} covers every version; name the versions the deviation was seen with`);
  if (!normalizeRange(range)) fail('brokerVersions', `${JSON.stringify(range)} is not a version range (semver, e.g. "2.0.11", ">=2.0.0 <2.0.19", "3.10.x")`);
  const f = d.failure as Record<string, unknown> | undefined;
  if (f === undefined) fail('failure', 'is missing: give the failure expected, { "reason": "<substring of the assertion message>" } and/or { "actual": "<substring of the value observed>" }');
  if (typeof f !== 'object' || f === null || Array.isArray(f)) fail('failure', 'must be an object { "reason"?: string, "actual"?: string }');
  const fields = Object.keys(f!);
  const stray = fields.find((k) => !(FAILURE_FIELDS as readonly string[]).includes(k));
  if (stray) fail('failure', `has an unknown field "${stray}"; allowed: ${FAILURE_FIELDS.join(', ')}`);
  if (!fields.length) fail('failure', 'is empty: give "reason" and/or "actual"');
  for (const k of fields) if (typeof f![k] !== 'string' || !(f![k] as string).trim()) fail(`failure.${k}`, 'must be a non-empty substring');
  if (d.intermittent !== undefined && (typeof d.intermittent !== 'string' || !d.intermittent.trim())) fail('intermittent', 'must say how often the failure was seen, e.g. "1 of 3 runs", when given');
  if (d.spec !== undefined && (!Array.isArray(d.spec) || d.spec.some((s) => typeof s !== 'string' || !/^MQTT-[\d.]+-\d+$/.test(s)))) fail('spec', 'must be a list of statement ids like "MQTT-3.8.4-3"');
}

/** The entries that apply to the broker version running: the rest are not consulted at all. */
export function expectationsInRange(entries: ExpectationEntry[], brokerVersion: string): ExpectationEntry[] {
  return entries.filter((e) => versionInRange(brokerVersion, e.brokerVersions));
}

const matches = (entry: ExpectationEntry, test: TestResult) => entry.key === test.key && entry.protocol === test.protocol;

/** Whether a failed test failed the way the entry expects. */
export function failureMatches(failure: ExpectedFailure, detail: TestResult['detail']): boolean {
  if (failure.reason !== undefined && !(detail?.reason ?? '').includes(failure.reason)) return false;
  if (failure.actual !== undefined && !(detail?.actual ?? '').includes(failure.actual)) return false;
  return true;
}

/** `reason contains "…"`, `actual contains "…"`: how a report states the failure expected. */
export function describeFailure(failure: ExpectedFailure): string {
  return FAILURE_FIELDS.filter((k) => failure[k] !== undefined).map((k) => `${k} contains ${JSON.stringify(failure[k])}`).join(' and ');
}

function seenFailure(detail: TestResult['detail']): string {
  const parts = [detail?.reason !== undefined ? `reason ${JSON.stringify(detail.reason)}` : 'no reason', ...(detail?.actual !== undefined ? [`actual ${JSON.stringify(detail.actual)}`] : [])];
  return parts.join(', ');
}

const expectationOf = (e: ExpectationEntry): ExpectationDetail => ({
  reason: e.reason, brokerVersions: e.brokerVersions, failure: describeFailure(e.failure), ...(e.spec?.length ? { spec: e.spec } : {}),
});

/**
 * Judges each test by the entries for its key and protocol (already narrowed to the running broker's
 * version by expectationsInRange): a failure the entry expects → expected-failure; any other failure
 * → failed, its detail naming the failure expected and the one seen; a pass → stale entry (unless
 * every entry for it is intermittent: then a plain pass).
 */
export function applyExpectations(tests: TestResult[], entries: ExpectationEntry[]): TestResult[] {
  return tests.map((t) => {
    const listed = entries.filter((e) => matches(e, t));
    if (!listed.length) return t;
    if (t.status === 'failed') {
      const met = listed.find((e) => failureMatches(e.failure, t.detail));
      if (met) return { ...t, status: 'expected-failure', detail: { ...t.detail, expectation: expectationOf(met) } };
      const expected = listed.map((e) => describeFailure(e.failure)).join(' or ');
      return { ...t, detail: { ...t.detail, expectation: { ...expectationOf(listed[0]!), failure: expected, differentFailure: `expected a failure with ${expected}; seen: ${seenFailure(t.detail)}` } } };
    }
    const steady = listed.filter((e) => !e.intermittent);
    if (t.status === 'passed' && steady.length) return { ...t, detail: { ...t.detail, expectation: { ...expectationOf(steady[0]!), stale: true } } };
    return t;
  });
}

/** Entries whose test passed in this run (in their version range): the deviation is gone, prune them. An intermittent entry is never stale. */
export function staleExpectations(tests: TestResult[], entries: ExpectationEntry[]): ExpectationEntry[] {
  return entries.filter((e) => !e.intermittent && tests.some((t) => matches(e, t) && t.status === 'passed'));
}

/**
 * One target's verdict in one place: only entries whose version range holds the version the broker
 * reported are consulted, for the statuses and for the stale and unmatched lists alike, so a
 * deviation fixed in a newer release is a plain pass there (no expectation detail, not stale) while
 * the same entry still excuses, or goes stale on, the versions it names.
 */
export function judgeExpectations(tests: TestResult[], entries: ExpectationEntry[], brokerVersion: string): { tests: TestResult[]; stale: ExpectationEntry[]; unmatched: ExpectationEntry[] } {
  const inRange = expectationsInRange(entries, brokerVersion);
  const judged = applyExpectations(tests, inRange);
  return { tests: judged, stale: staleExpectations(judged, inRange), unmatched: unmatchedExpectations(judged, inRange) };
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
    return tests.some((t) => suites.has(t.suite) && e.protocol === t.protocol);
  });
}

/** How a report names an entry: `[mqtt 5] publish.overlap-max-qos`. */
export const describeEntry = (e: Pick<ExpectationEntry, 'key' | 'protocol'>) => `[mqtt ${e.protocol}] ${e.key}`;
