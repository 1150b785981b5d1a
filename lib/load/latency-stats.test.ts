import { describe, expect, it } from 'vitest';
import { encodeHistogram, mergeHistograms, newLatencyHistogram, recordMs, summarizeLatency } from './latency-stats.ts';

describe('latency statistics', () => {
  it('merges histograms instead of averaging their percentiles', () => {
    const fast = newLatencyHistogram();
    const slow = newLatencyHistogram();
    for (let i = 0; i < 990; i++) recordMs(fast, 1);
    for (let i = 0; i < 10; i++) recordMs(slow, 1000);
    const s = summarizeLatency(mergeHistograms([encodeHistogram(fast), encodeHistogram(slow)]))!;
    expect(s.count).toBe(1000);
    expect(s.p50Ms).toBeCloseTo(1, 1);
    expect(s.p99Ms).toBeCloseTo(1, 1); // exactly 1% are slow: p99 is still fast, p99.9 is slow
    expect(s.p999Ms).toBeGreaterThan(990);
  });
  it('reports no summary for an empty histogram ("no data" is not zero)', () => {
    expect(summarizeLatency(newLatencyHistogram())).toBeUndefined();
  });
});
