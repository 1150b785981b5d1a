import { describe, expect, it } from 'vitest';
import { aggregateScenario } from './aggregate-result.ts';
import { histogram, worker } from '../../test/support/load-samples.ts';
import { parseScenario } from './scenario.ts';
import { scenarioKind } from './scenario-kinds.ts';
import type { ScenarioSamples } from './scenario-samples.ts';
import { globalSamples, mergeProblem, mergeShards, PARTIAL_FORMAT, PARTIAL_VERSION, type ShardPartial } from './shard-merge.ts';

const scenario = parseScenario({ name: 'pairs', kind: 'throughput', topology: 'pairs', clients: 1, qos: 1 }, 'f');
const kind = scenarioKind('throughput');

/** What shard i of a 1-pair scenario sampled: its own publisher 0, tracker group s0. */
function shardSamples(i: number): ScenarioSamples {
  const sent = [1000, 800, 1200][i]!;
  return {
    startMs: 10_000 + i, publishedAtMs: 12_000 + 10 * i, deliveredAtPublishedEnd: sent - 5 * i, sent: { 0: sent },
    workers: [worker({ histogram: histogram({ [1 + i]: 990, [100 * (i + 1)]: 10 }), trackers: [{ publisherId: 0, group: 's0', unique: sent - i, duplicates: i, reordered: 2 * i }] })],
    brokerSamples: [{ tMs: 500 * (i + 1), cpuPercent: 10 * (i + 1), rssBytes: 1000 * (i + 1) }],
    ratePerSec: 0,
  };
}

function partial(i: number, count: number): ShardPartial {
  const layout = kind.layout(scenario, `p/shard${i}`, 1);
  const x = shardSamples(i);
  return {
    format: PARTIAL_FORMAT, version: PARTIAL_VERSION, shard: { index: i, count }, startAt: '2026-12-02T03:00:00.000Z', runId: `r${i}`,
    harnessVersion: '0', host: `h${i}`, machine: { cpus: 2, cpuModel: 'x', memoryBytes: 1, os: 'Linux', node: 'v20' },
    target: { name: 'mosquitto', driver: 'external', brokerVersion: '2', listeners: {} },
    scenarios: [{ scenario, result: aggregateScenario(scenario, kind, layout, x, 'mosquitto'), sampled: globalSamples(i, layout, x) }],
  };
}

describe('mergeShards', () => {
  it('3 partials merge to the unsharded aggregate of the same samples: 3 pairs, one run', () => {
    // The same load as one run of 3 pairs (publishers 0..2, groups s0..s2) over the shared window.
    const three = parseScenario({ name: 'pairs', kind: 'throughput', topology: 'pairs', clients: 3, qos: 1 }, 'f');
    const shards = [0, 1, 2].map(shardSamples);
    const unsharded: ScenarioSamples = {
      startMs: 10_000, publishedAtMs: 12_020, deliveredAtPublishedEnd: shards.reduce((a, x) => a + x.deliveredAtPublishedEnd, 0),
      sent: { 0: 1000, 1: 800, 2: 1200 },
      workers: shards.map((x, i) => ({ ...x.workers[0]!, trackers: [{ ...x.workers[0]!.trackers[0]!, publisherId: i, group: `s${i}` }] })),
      brokerSamples: shards.flatMap((x) => x.brokerSamples), ratePerSec: 0,
    };
    const expected = aggregateScenario(three, kind, kind.layout(three, 'p', 3), unsharded, 'mosquitto');
    const [merged] = mergeShards([partial(2, 3), partial(0, 3), partial(1, 3)]);
    expect(merged).toEqual(expected);
    expect(merged).toMatchObject({ sent: 3000, received: 3000, clients: 3, durationMs: 2020, loss: { lost: 3, duplicates: 3, reordered: 6 } });
    // Percentiles from the merged histograms: 3% of samples are slow, so p99 is one of the slow values.
    const p99s = [0, 1, 2].map((i) => partial(i, 3).scenarios[0]!.result.latency!.p99Ms);
    expect(merged!.latency!.p99Ms).toBeGreaterThanOrEqual(Math.min(...p99s));
    expect(merged!.latency!.p99Ms).toBeLessThanOrEqual(Math.max(...p99s));
  });

  it('a single shard gives exactly the unsharded result', () => {
    const p = partial(0, 1);
    expect(mergeShards([p])).toEqual([p.scenarios[0]!.result]);
  });

  it('a shard that did not run makes the merged scenario not run, naming the shard', () => {
    const p1 = partial(1, 2);
    p1.scenarios[0] = { scenario, result: { ...p1.scenarios[0]!.result, error: 'connect refused' } };
    expect(mergeShards([partial(0, 2), p1])[0]!.error).toBe('shard 1: connect refused');
  });

  it('refuses partials that are not one run: missing, doubled, other count or start', () => {
    expect(mergeProblem([partial(0, 3), partial(2, 3)])).toBe('shard 1 of 3 missing; give every shard\'s partial');
    expect(mergeProblem([partial(0, 2), partial(0, 2)])).toBe('shard 0 is given twice');
    expect(mergeProblem([partial(0, 2), partial(1, 3)])).toMatch(/partials of different runs/);
    expect(mergeProblem([partial(0, 2), { ...partial(1, 2), startAt: '2026-12-02T04:00:00.000Z' }])).toMatch(/started at .*different runs/);
    expect(mergeProblem([partial(0, 2), partial(1, 2)])).toBeUndefined();
  });
});
