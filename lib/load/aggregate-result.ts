// Aggregation: a pure function from what the engine sampled (ScenarioSamples) to a BenchmarkResult.
// Percentiles come from the workers' histograms merged, never averaged; loss is counted per tracker
// group against what its publishers sent; rates are taken over the kind's window. What a kind adds is
// read from its registry entry. No data (nothing sent, no samples) stays absent, never a zero to pass.
import type { BenchmarkResult } from '../results/types.ts';
import type { Scenario } from './scenario.ts';
import type { DeliveryTotals, ScenarioKindSpec } from './scenario-kind.ts';
import { expectedDeliveries, type Layout } from './scenario-layout.ts';
import type { ScenarioSamples } from './scenario-samples.ts';
import type { TrackerReport } from './worker-protocol.ts';
import { mergeHistograms, summarizeLatency } from './latency-stats.ts';
import { summarizeSamples } from './resource-sampler.ts';

/** A worker thread at or above this share of a core while the broker is not saturated: generator-bound. */
const GENERATOR_BOUND_PERCENT = 90;
const BROKER_SATURATED_PERCENT = 85;

/** The scenario's identity and settings, before any figure. */
export function baseResult(s: Scenario, target: string): BenchmarkResult {
  return {
    scenario: s.name,
    target,
    protocol: s.protocol,
    kind: s.kind,
    qos: s.qos,
    payloadBytes: s.payloadBytes,
    transport: s.transport,
    topology: s.topology,
    clients: s.clients,
    durationMs: 0,
    sent: 0,
    received: 0,
    msgsPerSec: 0,
  };
}

/** Pure: deliveries each tracker group should have seen vs. what its trackers counted. */
export function deliveryTotals(layout: Layout, trackers: readonly TrackerReport[], sent: Record<number, number>): DeliveryTotals {
  const totals: DeliveryTotals = { expected: expectedDeliveries(layout, (pid) => sent[pid] ?? 0), unique: 0, lost: 0, duplicates: 0, reordered: 0 };
  for (const [group, pubs] of layout.groupPublishers) {
    for (const pid of pubs) {
      const t = trackers.find((x) => x.group === group && x.publisherId === pid);
      totals.lost += Math.max(0, (sent[pid] ?? 0) - (t?.unique ?? 0));
      totals.duplicates += t?.duplicates ?? 0;
      totals.reordered += t?.reordered ?? 0;
      totals.unique += t?.unique ?? 0;
    }
  }
  return totals;
}

function generatorLoad(x: ScenarioSamples, brokerCpuPercentMean: number | undefined): BenchmarkResult['generator'] {
  if (!x.workers.length) return undefined;
  const busiest = Math.max(...x.workers.map((w) => (w.wallMs > 0 ? (w.cpuMs / w.wallMs) * 100 : 0)));
  const brokerSaturated = brokerCpuPercentMean !== undefined && brokerCpuPercentMean >= BROKER_SATURATED_PERCENT;
  const cpuMs = Math.round(x.workers.reduce((a, w) => a + w.cpuMs, 0));
  return { cpuPercentMean: Math.round(busiest * 10) / 10, bound: busiest >= GENERATOR_BOUND_PERCENT && !brokerSaturated, cpuMs };
}

/** Pure: the result of one scenario run from its samples. */
export function aggregateScenario(s: Scenario, kind: ScenarioKindSpec, layout: Layout, x: ScenarioSamples, target: string): BenchmarkResult {
  const result = baseResult(s, target);
  if (kind.loop === 'open') result.ratePerSec = x.ratePerSec;
  const d = deliveryTotals(layout, x.workers.flatMap((w) => w.trackers), x.sent);
  const histogram = mergeHistograms(x.workers.map((w) => (kind.result.latencyFrom === 'connects' ? w.connectHistogram : w.histogram)));
  const latency = summarizeLatency(histogram);
  histogram.destroy();
  const broker = summarizeSamples(x.brokerSamples);
  const generator = generatorLoad(x, broker?.cpuPercentMean);
  const windowMs = kind.result.windowMs(x);
  const messages = kind.result.messages(x, d);
  Object.assign(result, {
    durationMs: Math.round(windowMs),
    sent: Object.values(x.sent).reduce((a, b) => a + b, 0),
    received: d.unique + d.duplicates,
    msgsPerSec: messages === undefined ? 0 : Math.round((messages / windowMs) * 1000),
    ...(latency ? { latency } : {}),
    // Nothing expected (nothing sent) is no data, not a loss rate of 0.
    ...(kind.result.loss && d.expected > 0 ? { loss: { lost: d.lost, duplicates: d.duplicates, reordered: d.reordered, lossRate: d.lost / d.expected } } : {}),
    ...(broker ? { broker } : {}),
    ...(generator ? { generator } : {}),
  });
  const extra: Record<string, number> = { ...kind.result.extra(s, x, windowMs, layout) };
  const members = x.workers.flatMap((w) => w.memberCounts);
  if (layout.memberSpread && members.length) {
    extra.memberMin = Math.min(...members);
    extra.memberMax = Math.max(...members);
  }
  if (Object.keys(extra).length) result.extra = extra;
  return result;
}
