import { describe, expect, it } from 'vitest';
import { aggregateScenario, deliveryTotals } from './aggregate-result.ts';
import { histogram, worker } from '../../test/support/load-samples.ts';
import { parseScenario } from './scenario.ts';
import { scenarioKind } from './scenario-kinds.ts';
import type { ScenarioSamples } from './scenario-samples.ts';
import type { TrackerReport } from './worker-protocol.ts';

const samples = (over: Partial<ScenarioSamples>): ScenarioSamples => ({ startMs: 1000, publishedAtMs: 3000, deliveredAtPublishedEnd: 0, sent: {}, workers: [], brokerSamples: [], ratePerSec: 0, ...over });
const tracker = (publisherId: number, group: string, unique: number, duplicates = 0, reordered = 0): TrackerReport => ({ publisherId, group, unique, duplicates, reordered });

describe('aggregateScenario', () => {
  const fanIn = parseScenario({ name: 'fan-in', kind: 'throughput', topology: 'fan-in', clients: 2, qos: 1 }, 'f');
  const kind = scenarioKind('throughput');
  const layout = kind.layout(fanIn, 'p', 2);

  it('reads percentiles from the merged histograms, never an average of per-worker percentiles', () => {
    // Worker A: 990 fast; worker B: 10 slow. Averaging each worker's p99 would give ~500 ms.
    const r = aggregateScenario(fanIn, kind, layout, samples({
      sent: { 0: 500, 1: 500 }, deliveredAtPublishedEnd: 1000,
      workers: [worker({ histogram: histogram({ 1: 990 }), trackers: [tracker(0, 's0', 500)] }), worker({ histogram: histogram({ 1000: 10 }), trackers: [tracker(1, 's0', 500)] })],
    }), 'b');
    expect(r.latency!.count).toBe(1000);
    expect(r.latency!.p99Ms).toBeCloseTo(1, 1);
    expect(r.latency!.p999Ms).toBeGreaterThan(990);
  });

  it('counts loss, duplicates and reordering per publisher against what it sent; rates over the publishing window', () => {
    const r = aggregateScenario(fanIn, kind, layout, samples({
      startMs: 1000, publishedAtMs: 3000, sent: { 0: 1000, 1: 1000 }, deliveredAtPublishedEnd: 1900,
      workers: [worker({ trackers: [tracker(0, 's0', 990, 3, 2), tracker(1, 's0', 1000, 0, 1)] })],
    }), 'b');
    expect(r.loss).toEqual({ lost: 10, duplicates: 3, reordered: 3, lossRate: 10 / 2000 });
    expect(r.sent).toBe(2000);
    expect(r.received).toBe(1993);
    expect(r.durationMs).toBe(2000);
    expect(r.msgsPerSec).toBe(950); // delivered while publishing / 2 s
  });

  it('a publisher no tracker heard from has lost everything it sent', () => {
    expect(deliveryTotals(layout, [tracker(0, 's0', 10)], { 0: 10, 1: 5 })).toEqual({ expected: 15, unique: 10, lost: 5, duplicates: 0, reordered: 0 });
  });

  it('summarizes broker samples (mean CPU, peak RSS) and flags a generator-bound run', () => {
    const r = aggregateScenario(fanIn, kind, layout, samples({
      sent: { 0: 1, 1: 1 },
      brokerSamples: [{ tMs: 500, cpuPercent: 10, rssBytes: 100 }, { tMs: 1000, cpuPercent: 30, rssBytes: 300 }, { tMs: 1500, cpuPercent: 20, rssBytes: 200 }],
      workers: [worker({ cpuMs: 950, wallMs: 1000 }), worker({ cpuMs: 100, wallMs: 1000 })],
    }), 'b');
    expect(r.broker).toMatchObject({ cpuPercentMean: 20, rssBytesMax: 300 });
    expect(r.generator).toEqual({ cpuPercentMean: 95, bound: true, cpuMs: 1050 });
  });

  it('no data is absent, never zeros to pass on: no latency, no loss rate, no broker figures', () => {
    const r = aggregateScenario(fanIn, kind, layout, samples({}), 'b');
    expect(r.latency).toBeUndefined();
    expect(r.loss).toBeUndefined();
    expect(r.broker).toBeUndefined();
    expect(r.generator).toBeUndefined();
    expect(r).toMatchObject({ sent: 0, received: 0, msgsPerSec: 0 });
  });

  it('connections: latency from connect→CONNACK, rate over the connect window, memory per connection floored at 0', () => {
    const s = parseScenario({ name: 'c', kind: 'connections', count: 100 }, 'f');
    const k = scenarioKind('connections');
    const x = samples({ workers: [worker({ connectHistogram: histogram({ 2: 100 }), connectedMs: 500, held: 99, connectorBytesPerConnection: 5000.4 })], rssBeforeBytes: 1000, rssAfterBytes: 101_000 });
    const r = aggregateScenario(s, k, k.layout(s, 'p', 1), x, 'b');
    expect(r.latency!.p50Ms).toBeCloseTo(2, 1);
    expect(r.loss).toBeUndefined();
    expect(r.msgsPerSec).toBe(0);
    expect(r.extra).toEqual({ connections: 100, connectionsHeld: 99, connectionsPerSec: 200, bytesPerConnection: 1000, generatorBytesPerConnection: 5000 });
    expect(aggregateScenario(s, k, k.layout(s, 'p', 1), { ...x, rssAfterBytes: 0 }, 'b').extra!.bytesPerConnection).toBe(0);
  });

  it('retained storm: rate = unique deliveries over SUBSCRIBE → last arrival; storeMs = the publishing phase', () => {
    const s = parseScenario({ name: 'r', kind: 'retained-storm', qos: 1, count: 1000 }, 'f');
    const k = scenarioKind('retained-storm');
    const r = aggregateScenario(s, k, k.layout(s, 'p', 1), samples({ startMs: 0, publishedAtMs: 300, sent: { 0: 1000 }, workers: [worker({ retainedWindowMs: 250, trackers: [tracker(0, 'retained', 1000)] })] }), 'b');
    expect(r.msgsPerSec).toBe(4000);
    expect(r.durationMs).toBe(250);
    expect(r.loss!.lost).toBe(0);
    expect(r.extra).toEqual({ retainedTopics: 1000, storeMs: 300 });
  });

  it('open loop: the intended rate is recorded; shared subscriptions show the spread over members', () => {
    const s = parseScenario({ name: 'l', kind: 'latency', ratePerSec: 500, topology: 'shared', protocol: '5', clients: 2 }, 'f');
    const k = scenarioKind('latency');
    const r = aggregateScenario(s, k, k.layout(s, 'p', 1), samples({ sent: { 0: 10 }, ratePerSec: 500, workers: [worker({ memberCounts: [4, 6], trackers: [tracker(0, 'shared', 10)] })] }), 'b');
    expect(r.ratePerSec).toBe(500);
    expect(r.extra).toEqual({ intendedRatePerSec: 500, memberMin: 4, memberMax: 6 });
  });
});
