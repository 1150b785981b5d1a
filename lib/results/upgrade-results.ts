// Reads results.json documents of every schema version as the current one. Version 1 tests have no
// `key`: their key is the display id, unless a current-version document of the same comparison
// knows the key of that id (same target and protocol) — so a v1 run compared with a v2 run pairs
// the same tests instead of showing every test as removed and new. Versions 1 and 2 pooled coverage
// over every target of the run and counted what they called "tested": upgraded, such a record is
// target `*`, its untested ids become `notExercised`, and its tested ids (never listed) stay unknown.
import type { CoverageRecord, ResultsDocument, TestResult } from './types.ts';

/** The coverage record of versions 1 and 2: pooled over the run's targets. */
export interface CoverageRecordV2 {
  protocol: CoverageRecord['protocol'];
  observable: number;
  tested: number;
  percent: number;
  untested: string[];
}

/** A version 2 document: coverage pooled over targets. */
export interface ResultsDocumentV2 extends Omit<ResultsDocument, 'schemaVersion' | 'coverage'> {
  schemaVersion: 2;
  coverage?: CoverageRecordV2[];
}

/** A version 1 document: tests without `key`. */
export interface ResultsDocumentV1 extends Omit<ResultsDocumentV2, 'schemaVersion' | 'tests'> {
  schemaVersion: 1;
  tests: Omit<TestResult, 'key'>[];
}

export type AnyResultsDocument = ResultsDocument | ResultsDocumentV2 | ResultsDocumentV1;

const idSlot = (t: Pick<TestResult, 'target' | 'protocol' | 'id'>) => `${t.target}\u0000${t.protocol ?? ''}\u0000${t.id}`;

function upgradeCoverage(records: CoverageRecordV2[] | undefined): CoverageRecord[] | undefined {
  return records?.map((c) => ({ target: '*', protocol: c.protocol, observable: c.observable, exercised: c.tested, percent: c.percent, exercisedIds: [], notExercised: c.untested }));
}

/** `doc` in the current version. `keysFrom` lends its keys to v1 tests with the same target, protocol and id. */
export function upgradeResults(doc: AnyResultsDocument, keysFrom?: AnyResultsDocument): ResultsDocument {
  if (doc.schemaVersion === 3) return doc;
  const { coverage, ...rest } = doc;
  const upgraded = upgradeCoverage(coverage);
  const known = new Map(keysFrom && keysFrom.schemaVersion !== 1 ? keysFrom.tests.map((t) => [idSlot(t), t.key] as const) : []);
  const tests: TestResult[] = doc.schemaVersion === 1
    ? doc.tests.map((t) => ({ ...t, key: known.get(idSlot(t)) ?? t.id }))
    : doc.tests;
  return { ...rest, schemaVersion: 3, tests, ...(upgraded ? { coverage: upgraded } : {}) };
}

/** Both sides of a comparison in the current version, each v1 side keyed with the other side's keys. */
export function upgradePair(a: AnyResultsDocument, b: AnyResultsDocument): [ResultsDocument, ResultsDocument] {
  return [upgradeResults(a, b), upgradeResults(b, a)];
}
