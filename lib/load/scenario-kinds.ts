// The registry of scenario kinds: one entry per kind, in run order (throughput first, since latency
// rates may refer to it; connection storms and retained storms last, since they leave the broker busy).
// Scenario validation, the runner, aggregation and the metrics thresholds accept per kind derive from
// it. Adding a kind = one entry here (plus its name in BENCHMARK_KINDS, the results vocabulary that the
// schema's enum mirrors; the compiler and scenario-kinds.test.ts check both).
import type { BenchmarkKind } from '../results/types.ts';
import type { ThresholdMetric } from '../results/thresholds.ts';
import type { ScenarioKindSpec } from './scenario-kind.ts';
import type { ScenarioSamples } from './scenario-samples.ts';
import { sweepRates } from './sweep-curve.ts';
import { layoutConnections, layoutConnectors, layoutRetainedStorm } from './scenario-layout.ts';

export type ScenarioKind = Exclude<BenchmarkKind, 'micro'>;

const LATENCY_METRICS = ['p50Ms', 'p90Ms', 'p99Ms', 'p999Ms', 'maxMs', 'meanMs'] as const satisfies readonly ThresholdMetric[];
const FLOW_METRICS = ['msgsPerSec', ...LATENCY_METRICS, 'lossRate', 'lost', 'duplicates', 'reordered', 'brokerCpuPercent', 'brokerRssBytes'] as const satisfies readonly ThresholdMetric[];
const DRAIN_CAP_MS = 5000;
const flowHeadline = (r: Parameters<ScenarioKindSpec['headline']>[0]) => `${r.msgsPerSec.toLocaleString('en-US')} msgs/s`;

/** connections and retained storms are sized by `count`. */
const requireCount = (kind: ScenarioKind): ScenarioKindSpec['validate'] => (s, fail) => {
  if (s.count === undefined) fail('count', s.count, `a ${kind} scenario needs a count`);
};

/** Messages delivered while publishing, over the publishing window. */
const publishingWindow: ScenarioKindSpec['result'] = {
  windowMs: (x) => Math.max(1, x.publishedAtMs - x.startMs),
  messages: (x) => x.deliveredAtPublishedEnd,
  latencyFrom: 'messages',
  loss: true,
  extraKeys: [],
  extra: () => ({}),
};

/** Generator RSS per held connection: one worker's reading as is; with several, the largest × 1 / workers. */
function generatorMemory(x: ScenarioSamples): { generatorBytesPerConnection?: number } {
  const seen = x.workers.map((w) => w.connectorBytesPerConnection).filter((v): v is number => v !== undefined);
  return seen.length ? { generatorBytesPerConnection: Math.round(Math.max(...seen) / seen.length) } : {};
}

/** Descriptors a process needs beyond its held connections (listeners, workers, stdio, the sampler). */
const FILE_HEADROOM = 256;

/**
 * Every held connection costs a descriptor in the generator and one in the broker; an embedded broker
 * pays both in this process. Beyond the soft limit (already raised to the hard one where possible) the
 * run would fail half-way: say so before it starts, with the fix.
 */
const connectionFilePreflight: NonNullable<ScenarioKindSpec['preflight']> = (s, env) => {
  const ours = s.count! * (env.brokerInProcess ? 2 : 1) + FILE_HEADROOM;
  const fix = 'lower count, or split the load over shards';
  if (env.openFileLimit !== undefined && ours > env.openFileLimit) {
    return `${s.count!.toLocaleString('en-US')} connections need ${ours.toLocaleString('en-US')} open files in this process${env.brokerInProcess ? ' (the embedded broker holds the other end)' : ''}, but its limit is ${env.openFileLimit.toLocaleString('en-US')}: ${fix}`;
  }
  const broker = s.count! + FILE_HEADROOM;
  if (env.brokerOpenFileLimit !== undefined && broker > env.brokerOpenFileLimit) {
    return `${s.count!.toLocaleString('en-US')} connections need ${broker.toLocaleString('en-US')} open files in the broker, but its limit is ${env.brokerOpenFileLimit.toLocaleString('en-US')}: raise it (ulimit -n / LimitNOFILE) or ${fix}`;
  }
  return undefined;
};

export const SCENARIO_KIND_REGISTRY: { readonly [K in ScenarioKind]: ScenarioKindSpec } = {
  throughput: {
    summary: 'closed loop: as fast as the broker delivers, at most `inflight` messages outstanding',
    // count: messages per publisher, for runs of equal size (bench:reference against the C clients).
    fields: ['topology', 'clients', 'inflight', 'count'],
    validate: () => {},
    workerPlan: (s) => (s.count !== undefined ? { messageLimit: s.count } : {}),
    // One pair (1 → 1): publisher and subscriber in one thread. The broker runs on the same machine and
    // needs a core; a second generator thread competes with it and adds a cross-thread wake-up per
    // window refill. Measured against local mosquitto on 2 cores: 105–111k msgs/s (QoS 0) and 45–53k
    // (QoS 1) with one worker, 85k and 32–38k with two.
    defaultWorkers: (s) => (s.topology === 'pairs' && s.clients === 1 ? 1 : 2),
    layout: layoutConnections,
    loop: 'closed',
    liveProgress: true,
    drainCapMs: () => DRAIN_CAP_MS,
    rssDelta: false,
    metrics: FLOW_METRICS,
    result: { ...publishingWindow, extraKeys: ['memberMin', 'memberMax'] },
    headline: flowHeadline,
  },
  latency: {
    summary: 'open loop at a fixed rate; latency from each message\'s intended send time',
    fields: ['topology', 'clients', 'ratePerSec', 'rateFraction', 'inFlightWindow'],
    validate: (s, fail) => {
      if (!s.ratePerSec === !s.rateFraction) fail('ratePerSec', s.ratePerSec, 'a latency scenario needs exactly one of ratePerSec or rateFraction');
      if (s.inFlightWindow !== undefined && s.qos === 0) fail('inFlightWindow', s.inFlightWindow, 'an in-flight window needs qos 1 or 2 (QoS 0 has no acknowledgement to wait for)');
    },
    // Open loop at a fixed rate: one thread is plenty, and one thread to schedule instead of two keeps
    // the generator's own share of the measured latency small on a busy machine.
    defaultWorkers: () => 1,
    layout: layoutConnections,
    loop: 'open',
    liveProgress: true,
    drainCapMs: () => DRAIN_CAP_MS,
    rssDelta: false,
    metrics: FLOW_METRICS,
    result: {
      ...publishingWindow,
      extraKeys: ['intendedRatePerSec', 'memberMin', 'memberMax'],
      extra: (_s, x, _w, layout) => ({ intendedRatePerSec: x.ratePerSec * layout.publisherCount }),
    },
    headline: flowHeadline,
  },
  sweep: {
    summary: 'open-loop steps at geometric rates until p99 exceeds a bound (default 10 ms) or a message is lost: the knee and the curve',
    fields: ['topology', 'clients', 'ratePerSec', 'rateFactor', 'maxSteps', 'p99BoundMs', 'warmupMs', 'retries', 'inFlightWindow'],
    validate: (s, fail) => {
      if (!s.ratePerSec) fail('ratePerSec', s.ratePerSec, 'a sweep needs ratePerSec, the first step\'s rate per publisher');
      if (s.inFlightWindow !== undefined && s.qos === 0) fail('inFlightWindow', s.inFlightWindow, 'an in-flight window needs qos 1 or 2');
    },
    // Each step is a latency run: one thread, as there.
    defaultWorkers: () => 1,
    layout: layoutConnections,
    loop: 'open',
    steps: sweepRates,
    liveProgress: true,
    drainCapMs: () => DRAIN_CAP_MS,
    rssDelta: false,
    metrics: [...FLOW_METRICS, 'kneeMsgsPerSec'],
    result: {
      ...publishingWindow,
      extraKeys: ['intendedRatePerSec', 'steps', 'kneeMsgsPerSec'],
      extra: (_s, x, _w, layout) => ({ intendedRatePerSec: x.ratePerSec * layout.publisherCount }),
    },
    headline: (r) => `knee ${r.sweep?.kneeMsgsPerSec !== undefined ? `${r.sweep.kneeMsgsPerSec.toLocaleString('en-US')} msgs/s` : 'none (not even the first step)'} within p99 ${r.sweep?.p99BoundMs} ms (${r.sweep?.steps.length} steps; stopped: ${r.sweep?.stoppedBy})`,
  },
  connections: {
    summary: 'open `count` connections (8 handshakes in flight) and hold them: connect→CONNACK, connections/s, broker bytes per connection',
    fields: ['count'],
    validate: requireCount('connections'),
    defaultWorkers: () => 1,
    layout: layoutConnectors,
    loop: 'closed',
    // V8 grows the young generation to 48 MiB under the handshakes' allocation rate and keeps it: with
    // 5,000 connections that alone read as ~11 KiB of RSS per connection. 6 MiB (2 MiB semi-spaces)
    // measured 5–6 KiB per idle connection; an idle connection allocates nothing afterwards.
    workerResourceLimits: { maxYoungGenerationSizeMb: 6 },
    liveProgress: false,
    drainCapMs: () => DRAIN_CAP_MS,
    rssDelta: true,
    preflight: connectionFilePreflight,
    metrics: [...LATENCY_METRICS, 'brokerCpuPercent', 'brokerRssBytes', 'connectionsPerSec', 'bytesPerConnection', 'generatorBytesPerConnection', 'connectionsHeld'],
    result: {
      windowMs: (x) => Math.max(...x.workers.map((w) => w.connectedMs)),
      messages: () => undefined,
      latencyFrom: 'connects',
      loss: false,
      extraKeys: ['connections', 'connectionsHeld', 'connectionsPerSec', 'bytesPerConnection', 'generatorBytesPerConnection'],
      extra: (s, x, windowMs) => ({
        connections: s.count!,
        // Still open at the end of the hold (the scenario's duration), over all workers.
        connectionsHeld: x.workers.reduce((a, w) => a + (w.held ?? 0), 0),
        // Workers are threads of one process sharing one RSS and open their connections at the same
        // time: each saw the growth of all, over its own share of the connections.
        ...generatorMemory(x),
        connectionsPerSec: Math.round((s.count! / windowMs) * 1000),
        // RSS is a high-water mark that a broker reusing freed memory may not move (or even lower): floor at 0.
        ...(x.rssBeforeBytes !== undefined && x.rssAfterBytes !== undefined ? { bytesPerConnection: Math.max(0, Math.round((x.rssAfterBytes - x.rssBeforeBytes) / s.count!)) } : {}),
      }),
    },
    headline: (r) => `${r.extra?.connectionsPerSec} conn/s`,
  },
  'retained-storm': {
    summary: 'store `count` retained messages on distinct topics, then one `#` subscriber: how fast the broker hands them over',
    fields: ['count', 'inflight'],
    validate: requireCount('retained-storm'),
    defaultWorkers: () => 1,
    layout: layoutRetainedStorm,
    loop: 'closed',
    workerPlan: (s, prefix, i) => (i === 0 ? { retained: { prefix, count: s.count! } } : {}),
    liveProgress: true,
    drainCapMs: (s) => Math.max(DRAIN_CAP_MS, s.durationMs),
    rssDelta: false,
    metrics: FLOW_METRICS,
    result: {
      // SUBSCRIBE → last retained message.
      // Shards: each slice has its own subscriber; the last one to finish ends the window.
      windowMs: (x) => Math.max(1, ...x.workers.map((w) => w.retainedWindowMs ?? 0)),
      messages: (_x, d) => d.unique,
      latencyFrom: 'messages',
      loss: true,
      extraKeys: ['retainedTopics', 'storeMs'],
      extra: (s, x) => ({ retainedTopics: s.count!, storeMs: Math.round(x.publishedAtMs - x.startMs) }),
    },
    headline: flowHeadline,
  },
};

export const SCENARIO_KINDS = Object.keys(SCENARIO_KIND_REGISTRY) as ScenarioKind[];

export function scenarioKind(kind: ScenarioKind): ScenarioKindSpec {
  return SCENARIO_KIND_REGISTRY[kind];
}
