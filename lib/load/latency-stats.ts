// HDR histograms for latency: recorded in microseconds, range 1 µs .. 10 min, 3 significant digits
// (0.1% resolution). Workers send encoded histograms; the main thread merges them. Percentiles are
// read from the merged histogram only — averaging per-worker percentiles would be wrong.
import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from '../results/types.ts';

export const LATENCY_RANGE = { lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 } as const;

export type LatencyHistogram = hdr.Histogram;

export function newLatencyHistogram(): LatencyHistogram {
  return hdr.build({ ...LATENCY_RANGE, bitBucketSize: 32, autoResize: false });
}

/** Records a latency in ms; values outside the range are clamped so that no sample is dropped. */
export function recordMs(h: LatencyHistogram, ms: number): void {
  const us = Math.round(ms * 1000);
  h.recordValue(us < 1 ? 1 : us > LATENCY_RANGE.highestTrackableValue ? LATENCY_RANGE.highestTrackableValue : us);
}

export function encodeHistogram(h: LatencyHistogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/** Pure reducer: merges encoded histograms into a new one. */
export function mergeHistograms(encoded: readonly string[]): LatencyHistogram {
  const merged = newLatencyHistogram();
  for (const e of encoded) {
    if (!e) continue;
    const h = hdr.decodeFromCompressedBase64(e);
    merged.add(h);
    h.destroy();
  }
  return merged;
}

const CURVE_PERCENTILES = [0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100];
const ms = (us: number) => Math.round(us) / 1000;

export function summarizeLatency(h: LatencyHistogram): LatencySummary | undefined {
  if (h.totalCount === 0) return undefined;
  return {
    count: h.totalCount,
    p50Ms: ms(h.getValueAtPercentile(50)),
    p90Ms: ms(h.getValueAtPercentile(90)),
    p99Ms: ms(h.getValueAtPercentile(99)),
    p999Ms: ms(h.getValueAtPercentile(99.9)),
    maxMs: ms(h.maxValue),
    meanMs: Math.round(h.mean) / 1000,
    curve: CURVE_PERCENTILES.map((percentile) => ({ percentile, valueMs: ms(h.getValueAtPercentile(percentile)) })),
  };
}
