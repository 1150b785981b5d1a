// Two runs side by side for the comparison page: benchmark results paired per target and variant
// (the throughput chart) and status counts. What changed per test, finding and figure is the
// version diff's (lib/results/version-diff.ts).
import type { BenchmarkResult, ResultsDocument, TestStatus } from '../../results/types.ts';
import { TEST_STATUSES } from '../../results/types.ts';
import { benchmarkKey } from '../charts/series-label.ts';

export interface BenchmarkPair {
  target: string;
  a?: BenchmarkResult;
  b?: BenchmarkResult;
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
