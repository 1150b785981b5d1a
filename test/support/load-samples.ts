// Hand-made load-engine samples for the aggregation and shard-merge unit tests (lib/load/*.test.ts).
import { encodeHistogram, newLatencyHistogram, recordMs } from '../../lib/load/latency-stats.ts';
import type { WorkerReport } from '../../lib/load/scenario-samples.ts';

/** An encoded HDR histogram holding `n` samples of each `ms` value: { ms: n }. */
export function histogram(values: Record<number, number>): string {
  const h = newLatencyHistogram();
  for (const [ms, n] of Object.entries(values)) for (let i = 0; i < n; i++) recordMs(h, Number(ms));
  const e = encodeHistogram(h);
  h.destroy();
  return e;
}

/** A worker's final report: nothing recorded unless given. */
export const worker = (over: Partial<WorkerReport>): WorkerReport => ({ histogram: '', connectHistogram: '', connectedMs: 0, trackers: [], memberCounts: [], cpuMs: 0, wallMs: 1000, ...over });
