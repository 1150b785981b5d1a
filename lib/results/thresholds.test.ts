import { describe, expect, it } from 'vitest';
import { evaluateThresholds, parseThresholds, type ThresholdMetric, type ThresholdScenario } from './thresholds.ts';
import { compareWithBaseline, DEFAULT_TOLERANCE } from './baseline.ts';
import type { BenchmarkResult } from './types.ts';

// The metrics each kind produces come from the load engine's kind registry; here, as data.
const flow: ThresholdMetric[] = ['msgsPerSec', 'p99Ms', 'lossRate'];
const names: ThresholdScenario[] = [
  { name: 'throughput-1to1.qos0', metrics: flow },
  { name: 'latency-1k.qos1', metrics: flow },
  { name: 'connections-500', metrics: ['p99Ms', 'connectionsPerSec'] },
];
const result = (over: Partial<BenchmarkResult>): BenchmarkResult => ({
  scenario: 'throughput-1to1.qos0', target: 'mosquitto', protocol: '3.1.1', kind: 'throughput', durationMs: 1000, sent: 100, received: 100, msgsPerSec: 100,
  latency: { count: 100, p50Ms: 1, p90Ms: 2, p99Ms: 3, p999Ms: 4, maxMs: 5, meanMs: 1 }, loss: { lost: 0, duplicates: 0, reordered: 0, lossRate: 0 }, ...over,
});

describe('thresholds', () => {
  it('rejects an unknown metric, naming the entry', () => {
    expect(() => parseThresholds({ '*': ['msgPerSec > 1'] }, 'f.json', names)).toThrow(/"\*"\[0\].*unknown metric "msgPerSec"/);
  });
  it('rejects a bad operator', () => {
    expect(() => parseThresholds({ 'latency-1k.qos1': ['p99Ms => 1'] }, 'f.json', names)).toThrow(/operator "=>"/);
  });
  it('rejects a key that matches no scenario', () => {
    expect(() => parseThresholds({ 'nope': ['p99Ms < 1'] }, 'f.json', names)).toThrow(/matches no scenario/);
  });
  it('passes, fails, and reports no data distinctly; "*" applies only where the metric exists', () => {
    const t = parseThresholds({ '*': ['lossRate == 0'], 'throughput-*': ['msgsPerSec >= 200', 'p99Ms < 10'] }, 'f', names);
    expect(evaluateThresholds(t, result({})).map((v) => v.verdict)).toEqual(['passed', 'failed', 'passed']);
    expect(evaluateThresholds(t, result({ latency: undefined })).map((v) => v.verdict)).toEqual(['passed', 'failed', 'no-data']);
    expect(evaluateThresholds(t, result({ scenario: 'connections-500', kind: 'connections' }))).toEqual([]);
  });
  it('a named key on a kind without the metric is no data, not a pass', () => {
    const t = parseThresholds({ 'connections-*': ['msgsPerSec >= 0'] }, 'f', names);
    expect(evaluateThresholds(t, result({ scenario: 'connections-500', kind: 'connections', msgsPerSec: 0 })).map((v) => v.verdict)).toEqual(['no-data']);
  });
  it('a flow that sent nothing has no rate, no latency and no loss to pass on', () => {
    const t = parseThresholds({ 'throughput-1to1.qos0': ['msgsPerSec < 1000', 'lossRate == 0'] }, 'f', names);
    const empty = result({ sent: 0, received: 0, msgsPerSec: 0, latency: undefined, loss: undefined });
    expect(evaluateThresholds(t, empty).map((v) => v.verdict)).toEqual(['no-data', 'no-data']);
  });
  it('a result that did not run is no data', () => {
    const t = parseThresholds({ '*': ['p99Ms < 10'] }, 'f', names);
    expect(evaluateThresholds(t, result({ notRun: 'no tls listener' })).map((v) => v.verdict)).toEqual(['no-data']);
  });
});

describe('baseline', () => {
  it('flags a throughput drop beyond the tolerance and shows both figures', () => {
    const v = compareWithBaseline(result({ msgsPerSec: 80 }), [result({ msgsPerSec: 100 })], DEFAULT_TOLERANCE)!;
    expect(v.regression).toBe(true);
    expect(v.note).toMatch(/80 msgs\/s vs baseline 100/);
  });
  it('accepts a drop within the tolerance', () => {
    expect(compareWithBaseline(result({ msgsPerSec: 95 }), [result({ msgsPerSec: 100 })], DEFAULT_TOLERANCE)!.regression).toBe(false);
  });
});
