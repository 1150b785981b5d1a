// Known deviations per target (fixtures/expectations/<target>.json). A listed failure becomes
// `expected-failure` and does not fail the run; a listed test that passes is flagged stale so the
// file can be pruned.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../core/errors.ts';
import type { TestResult } from './types.ts';

export interface ExpectationEntry {
  /** Test id as in results.json; a trailing `*` matches any id with that prefix. */
  id: string;
  protocol?: string;
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

function readExpectationsFile(file: string): ExpectationsFile {
  let parsed: ExpectationsFile;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as ExpectationsFile;
  } catch (e) {
    throw new UsageError(`expectations file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed?.target !== 'string') throw new UsageError(`expectations file ${file}: "target" must name the broker the entries are for`);
  if (!Array.isArray(parsed.deviations)) throw new UsageError(`expectations file ${file}: "deviations" must be an array`);
  parsed.deviations.forEach((d, i) => {
    if (typeof d.id !== 'string' || typeof d.reason !== 'string' || !d.reason.trim()) {
      throw new UsageError(`expectations file ${file}: deviations[${i}] needs a string "id" and a non-empty "reason"`);
    }
  });
  return parsed;
}

function matches(entry: ExpectationEntry, test: TestResult): boolean {
  if (entry.protocol && entry.protocol !== test.protocol) return false;
  return entry.id.endsWith('*') ? test.id.startsWith(entry.id.slice(0, -1)) : entry.id === test.id;
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

/**
 * Entries that match no test although their suite ran for their protocol in this run: the test was
 * renamed or removed, so the entry silently covers nothing. Reported so the file can be fixed.
 */
export function unmatchedExpectations(tests: TestResult[], entries: ExpectationEntry[]): ExpectationEntry[] {
  const suiteOf = (id: string) => id.split('/')[0];
  return entries.filter((e) => !tests.some((t) => matches(e, t))
    && tests.some((t) => suiteOf(t.id) === suiteOf(e.id) && (!e.protocol || e.protocol === t.protocol)));
}
