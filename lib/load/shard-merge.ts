// Shards' partial results and their merge (issue 16). A partial holds, per scenario, what the engine
// sampled (ScenarioSamples: encoded HDR histograms, sequence-tracker counts per publisher, sent
// counts, resource samples) with the shard's publisher ids and tracker groups made global. The merge
// is pure: it concatenates the samples and hands them to the same aggregateScenario as an unsharded
// run, so percentiles come from the merged histograms, loss from the merged sequence accounting and
// rates from the shared window (earliest start → last publisher's end). Nothing is averaged.
import type { BenchmarkResult, RunRecord, TargetRecord } from '../results/types.ts';
import type { Scenario } from './scenario.ts';
import type { Layout } from './scenario-layout.ts';
import type { ScenarioSamples } from './scenario-samples.ts';
import { aggregateScenario } from './aggregate-result.ts';
import { scenarioKind } from './scenario-kinds.ts';

export const PARTIAL_FORMAT = 'mqtt-harness-shard-partial';
export const PARTIAL_VERSION = 1;

/** What one shard sampled for one scenario, ids global; absent when the scenario did not run. */
export interface ShardSamples {
  samples: ScenarioSamples;
  publisherCount: number;
  groupPublishers: [string, number[]][];
  memberSpread: boolean;
}

export interface ScenarioPartial {
  scenario: Scenario;
  /** This shard's own aggregate (its figures alone; notRun/error when it did not run). */
  result: BenchmarkResult;
  sampled?: ShardSamples;
}

export interface ShardPartial {
  format: typeof PARTIAL_FORMAT;
  version: typeof PARTIAL_VERSION;
  shard: { index: number; count: number };
  startAt: string;
  runId: string;
  harnessVersion: string;
  host: string;
  machine: RunRecord['machine'];
  target: TargetRecord;
  scenarios: ScenarioPartial[];
}

/**
 * Makes a shard's ids global: publisher p of shard i becomes i × publisherCount + p (every shard runs
 * the same layout), tracker group g becomes `i/g`. Shard 0 of 1 is unchanged.
 */
export function globalSamples(index: number, layout: Layout, x: ScenarioSamples): ShardSamples {
  const offset = index * layout.publisherCount;
  const group = (g: string) => (index === 0 ? g : `${index}/${g}`);
  return {
    samples: {
      ...x,
      sent: Object.fromEntries(Object.entries(x.sent).map(([pid, n]) => [Number(pid) + offset, n])),
      workers: x.workers.map((w) => ({ ...w, trackers: w.trackers.map((t) => ({ ...t, publisherId: t.publisherId + offset, group: group(t.group) })) })),
    },
    publisherCount: layout.publisherCount,
    groupPublishers: [...layout.groupPublishers].map(([g, pids]) => [group(g), pids.map((p) => p + offset)]),
    memberSpread: layout.memberSpread,
  };
}

/** The scenario as the whole sharded run ran it: N slices of its clients (connections and topics). */
function mergedScenario(s: Scenario, shards: number): Scenario {
  return { ...s, clients: s.clients * shards, ...(s.count !== undefined ? { count: s.count * shards } : {}) };
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Pure: every shard's samples of one scenario as the samples of one run. */
export function mergeSamples(parts: readonly ShardSamples[]): { samples: ScenarioSamples; layout: Layout } {
  const xs = parts.map((p) => p.samples);
  const publishers = sum(parts.map((p) => p.publisherCount));
  const rssBefore = xs.flatMap((x) => (x.rssBeforeBytes !== undefined ? [x.rssBeforeBytes] : []));
  const rssAfter = xs.flatMap((x) => (x.rssAfterBytes !== undefined ? [x.rssAfterBytes] : []));
  const samples: ScenarioSamples = {
    startMs: Math.min(...xs.map((x) => x.startMs)),
    publishedAtMs: Math.max(...xs.map((x) => x.publishedAtMs)),
    deliveredAtPublishedEnd: sum(xs.map((x) => x.deliveredAtPublishedEnd)),
    sent: Object.assign({}, ...xs.map((x) => x.sent)),
    workers: xs.flatMap((x) => x.workers),
    brokerSamples: xs.flatMap((x) => x.brokerSamples).sort((a, b) => a.tMs - b.tMs),
    ...(rssBefore.length ? { rssBeforeBytes: Math.min(...rssBefore) } : {}),
    ...(rssAfter.length ? { rssAfterBytes: Math.max(...rssAfter) } : {}),
    // Per publisher: the total intended rate over every publisher (equal shards: each shard's rate).
    ratePerSec: publishers ? sum(parts.map((p) => p.samples.ratePerSec * p.publisherCount)) / publishers : 0,
  };
  const layout: Layout = {
    perWorker: [],
    publisherCount: publishers,
    groupPublishers: new Map(parts.flatMap((p) => p.groupPublishers)),
    memberSpread: parts.some((p) => p.memberSpread),
  };
  return { samples, layout };
}

/** Why the shards cannot be merged (one line naming the problem), or undefined. */
export function mergeProblem(partials: readonly ShardPartial[]): string | undefined {
  if (!partials.length) return 'no partial results given';
  const count = partials[0]!.shard.count;
  const other = partials.find((p) => p.shard.count !== count);
  if (other) return `shard ${other.shard.index} is one of ${other.shard.count}, shard ${partials[0]!.shard.index} one of ${count}: partials of different runs`;
  const indices = partials.map((p) => p.shard.index);
  const twice = indices.find((i, k) => indices.indexOf(i) !== k);
  if (twice !== undefined) return `shard ${twice} is given twice`;
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !indices.includes(i));
  if (missing.length) return `shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count} missing; give every shard's partial`;
  const startAt = partials.find((p) => p.startAt !== partials[0]!.startAt);
  if (startAt) return `shard ${startAt.shard.index} started at ${startAt.startAt}, shard ${partials[0]!.shard.index} at ${partials[0]!.startAt}: partials of different runs`;
  const names = (p: ShardPartial) => p.scenarios.map((s) => s.scenario.name).join(',');
  const diff = partials.find((p) => names(p) !== names(partials[0]!));
  if (diff) return `shard ${diff.shard.index} ran scenarios ${names(diff) || '(none)'}, shard ${partials[0]!.shard.index} ran ${names(partials[0]!) || '(none)'}`;
  return undefined;
}

/** Pure: one BenchmarkResult per scenario from every shard's partial (validated by mergeProblem first). */
export function mergeShards(partials: readonly ShardPartial[]): BenchmarkResult[] {
  const byIndex = [...partials].sort((a, b) => a.shard.index - b.shard.index);
  const count = byIndex.length;
  const target = byIndex[0]!.target.name;
  return byIndex[0]!.scenarios.map((first, k) => {
    const parts = byIndex.map((p) => p.scenarios[k]!);
    const s = mergedScenario(first.scenario, count);
    const failed = parts.find((p) => !p.sampled);
    if (failed) {
      const idx = parts.indexOf(failed);
      const why = failed.result.notRun ?? failed.result.error ?? 'no samples';
      const prefix = count > 1 ? `shard ${byIndex[idx]!.shard.index}: ` : '';
      return { ...failed.result, clients: s.clients, ...(failed.result.notRun ? { notRun: prefix + why } : { error: prefix + why }) };
    }
    const { samples, layout } = mergeSamples(parts.map((p) => p.sampled!));
    return aggregateScenario(s, scenarioKind(s.kind), layout, samples, target);
  });
}
