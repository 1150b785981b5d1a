// Two runs as a set of changes: run A is the reference, run B the candidate. Pure data; the page
// renders it. A test is the same test in both runs when target, protocol and key agree (titles may
// be reworded between the runs); a v1 run (no keys) borrows the other run's keys by id.
import type { BenchmarkResult, ResultsDocument, TestResult, TestStatus } from '../../results/types.ts';
import { TEST_STATUSES } from '../../results/types.ts';
import { upgradePair, type AnyResultsDocument } from '../../results/upgrade-results.ts';
import { benchmarkKey } from '../charts/series-label.ts';

export type TestChangeKind = 'regressed' | 'fixed' | 'changed' | 'new' | 'removed';

export interface TestChange {
  kind: TestChangeKind;
  target: string;
  protocol: string | null;
  key: string;
  id: string;
  title: string;
  before?: TestStatus;
  after?: TestStatus;
  reason?: string;
}

export interface BenchmarkPair {
  target: string;
  a?: BenchmarkResult;
  b?: BenchmarkResult;
}

const BAD: TestStatus[] = ['failed', 'error'];
const GOOD: TestStatus[] = ['passed', 'expected-failure'];

const testSlot = (t: TestResult) => `${t.target}\u0000${t.protocol ?? ''}\u0000${t.key}`;

export function classify(before: TestStatus | undefined, after: TestStatus | undefined): TestChangeKind | undefined {
  if (before === undefined) return 'new';
  if (after === undefined) return 'removed';
  if (before === after) return undefined;
  if (BAD.includes(after) && !BAD.includes(before)) return 'regressed';
  if (BAD.includes(before) && GOOD.includes(after)) return 'fixed';
  return 'changed';
}

const KIND_ORDER: TestChangeKind[] = ['regressed', 'fixed', 'changed', 'new', 'removed'];

export function compareTests(runA: AnyResultsDocument, runB: AnyResultsDocument): { changes: TestChange[]; unchanged: number } {
  const [a, b] = upgradePair(runA, runB);
  const before = new Map(a.tests.map((t) => [testSlot(t), t]));
  const after = new Map(b.tests.map((t) => [testSlot(t), t]));
  const changes: TestChange[] = [];
  let unchanged = 0;
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const x = before.get(key);
    const y = after.get(key);
    const kind = classify(x?.status, y?.status);
    if (!kind) { unchanged++; continue; }
    const t = (y ?? x)!;
    changes.push({ kind, target: t.target, protocol: t.protocol, key: t.key, id: t.id, title: t.title, before: x?.status, after: y?.status, reason: y?.detail?.reason });
  }
  changes.sort((p, q) => KIND_ORDER.indexOf(p.kind) - KIND_ORDER.indexOf(q.kind) || p.target.localeCompare(q.target) || p.id.localeCompare(q.id));
  return { changes, unchanged };
}

export function pairBenchmarks(a: ResultsDocument, b: ResultsDocument): BenchmarkPair[] {
  const pairs = new Map<string, BenchmarkPair>();
  for (const [side, doc] of [['a', a], ['b', b]] as const) {
    for (const r of doc.benchmarks ?? []) {
      const key = `${r.target}\u0000${benchmarkKey(r)}`;
      const pair = pairs.get(key) ?? { target: r.target };
      pair[side] = r;
      pairs.set(key, pair);
    }
  }
  return [...pairs.values()];
}

export function statusCounts(doc: ResultsDocument): Record<TestStatus, number> {
  return Object.fromEntries(TEST_STATUSES.map((s) => [s, doc.tests.filter((t) => t.status === s).length])) as Record<TestStatus, number>;
}
