import { describe, expect, it } from 'vitest';
import { renderBenchTable } from './bench-table.ts';
import type { BenchmarkResult, ResultsDocument } from '../results/types.ts';

const r = (target: string, msgsPerSec: number, p99Ms: number): BenchmarkResult => ({
  scenario: 'throughput-1to1.qos0', target, protocol: '3.1.1', kind: 'throughput', durationMs: 1000, sent: 1, received: 1, msgsPerSec,
  latency: { count: 1, p50Ms: 1, p90Ms: 1, p99Ms, p999Ms: p99Ms, maxMs: p99Ms, meanMs: 1 }, loss: { lost: 0, duplicates: 0, reordered: 0, lossRate: 0 },
});

describe('renderBenchTable', () => {
  it('shows every target per scenario with ratios to the first target', () => {
    const doc = { benchmarks: [r('mosquitto', 100_000, 2), r('aedes', 50_000, 8), { ...r('x', 0, 0), scenario: 'throughput-1to1-tls.qos1', notRun: 'no tls listener' }] } as unknown as ResultsDocument;
    const text = renderBenchTable(doc);
    expect(text).toMatch(/ratios: each target \/ mosquitto/);
    expect(text).toMatch(/msgs\/s\s+100,000\s+50,000 \(0\.50×\)/);
    expect(text).toMatch(/p99 ms\s+2\.00\s+8\.00 \(4\.00×\)/);
    expect(text).toMatch(/not run.*no tls listener/);
  });
  it('says that an embedded broker\'s RSS is the whole harness process', () => {
    const doc = { targets: [{ name: 'aedes', driver: 'embedded' }, { name: 'mosquitto', driver: 'local' }], benchmarks: [r('aedes', 1, 1), r('mosquitto', 1, 1)] } as unknown as ResultsDocument;
    expect(renderBenchTable(doc)).toMatch(/Note: aedes ran embedded: .*RSS is the whole harness process/);
    expect(renderBenchTable({ ...doc, targets: [] } as unknown as ResultsDocument)).not.toMatch(/Note:/);
  });
  it('shows a threshold without data as NO DATA and a breach with its actual figure', () => {
    const judged = { ...r('mosquitto', 10, 2), thresholds: [{ expression: 'p99Ms < 1', verdict: 'failed' as const, actual: 2 }, { expression: 'lossRate == 0', verdict: 'no-data' as const }] };
    const text = renderBenchTable({ benchmarks: [judged] } as unknown as ResultsDocument);
    expect(text).toMatch(/THRESHOLD\s+mosquitto: p99Ms < 1 → FAILED \(actual 2\)/);
    expect(text).toMatch(/THRESHOLD\s+mosquitto: lossRate == 0 → NO DATA/);
  });
  it('renders nothing without benchmarks', () => {
    expect(renderBenchTable({ benchmarks: [] } as unknown as ResultsDocument)).toBe('');
  });
});
