// Reads results.json documents of every schema version as the current one. Version 1 tests have no
// `key`: their key is the display id, unless a current-version document of the same comparison
// knows the key of that id (same target and protocol) — so a v1 run compared with a v2 run pairs
// the same tests instead of showing every test as removed and new.
import type { ResultsDocument, TestResult } from './types.ts';

/** A version 1 document: tests without `key`. */
export interface ResultsDocumentV1 extends Omit<ResultsDocument, 'schemaVersion' | 'tests'> {
  schemaVersion: 1;
  tests: Omit<TestResult, 'key'>[];
}

export type AnyResultsDocument = ResultsDocument | ResultsDocumentV1;

const idSlot = (t: Pick<TestResult, 'target' | 'protocol' | 'id'>) => `${t.target}\u0000${t.protocol ?? ''}\u0000${t.id}`;

/** `doc` in the current version. `keysFrom` lends its keys to v1 tests with the same target, protocol and id. */
export function upgradeResults(doc: AnyResultsDocument, keysFrom?: AnyResultsDocument): ResultsDocument {
  if (doc.schemaVersion !== 1) return doc;
  const known = new Map(keysFrom && keysFrom.schemaVersion !== 1 ? keysFrom.tests.map((t) => [idSlot(t), t.key] as const) : []);
  return { ...doc, schemaVersion: 2, tests: doc.tests.map((t) => ({ ...t, key: known.get(idSlot(t)) ?? t.id })) };
}

/** Both sides of a comparison in the current version, each v1 side keyed with the other side's keys. */
export function upgradePair(a: AnyResultsDocument, b: AnyResultsDocument): [ResultsDocument, ResultsDocument] {
  return [upgradeResults(a, b), upgradeResults(b, a)];
}
