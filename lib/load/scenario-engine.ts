// The load engine for one scenario: starts the generator workers, lets them publish, drains, and
// collects what they counted and recorded. It emits samples only (ScenarioSamples); every figure is
// computed afterwards by aggregate-result.ts. What differs by kind comes from its registry entry.
// Progress (rate, p99, undelivered so far) goes to stderr once a second.
import type { ListenerInfo, StartedBroker } from '../core/broker.ts';
import type { Scenario } from './scenario.ts';
import type { ScenarioKindSpec } from './scenario-kind.ts';
import { expectedDeliveries, type Layout } from './scenario-layout.ts';
import type { ScenarioSamples, WorkerReport } from './scenario-samples.ts';
import { SharedCounters, type WorkerPlan } from './worker-protocol.ts';
import { WorkerHandle } from './worker-handle.ts';
import { startResourceSampler, type ResourceSampler } from './resource-sampler.ts';
import { nowMs } from './message-header.ts';
import { fullGc } from './full-gc.ts';
import type { LiveSample } from './live-metrics.ts';

const CONNECT_TIMEOUT_MS = 10_000;
/** Workers start publishing this long after "go", so that all of them start together. */
const START_DELAY_MS = 50;
/** Drain: wait for stragglers until everything expected arrived, this long without progress, or the kind's cap. */
const DRAIN_QUIET_MS = 1000;
const DRAIN_POLL_MS = 50;

export interface EngineOptions {
  runId: string;
  prefix: string;
  workers: number;
  ratePerSec: number;
  progress?: (line: string) => void;
  /** Once a second with the progress line: the same figures for the live metrics endpoint. */
  live?: (x: LiveSample) => void;
  onStarted?: () => void;
  /** TEST-ONLY: see WorkerPlan.stampAtActualSend. */
  stampAtActualSend?: boolean;
  /** Shards: start publishing at this shared wall-clock instant (epoch ms) instead of just after setup. */
  startAtMs?: number;
}

const optional = <K extends string>(k: K, v: number | undefined) => (v === undefined ? {} : { [k]: v } as Record<K, number>);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** One run's moving parts; each step below is one phase of it. */
class EngineRun {
  readonly counters: SharedCounters;
  readonly shared: SharedArrayBuffer;
  readonly handles: WorkerHandle[];
  readonly sampler: ResourceSampler;
  readonly liveP99 = new Map<number, number>();
  readonly liveP50 = new Map<number, number>();
  progressTimer: NodeJS.Timeout | undefined;
  startMs = 0;
  rssBeforeBytes: number | undefined;

  constructor(readonly broker: StartedBroker, readonly s: Scenario, readonly kind: ScenarioKindSpec, readonly layout: Layout, readonly o: EngineOptions) {
    this.shared = SharedCounters.allocate(layout.publisherCount);
    this.counters = new SharedCounters(this.shared);
    this.handles = Array.from({ length: o.workers }, () => new WorkerHandle(kind.workerResourceLimits));
    this.sampler = startResourceSampler(broker);
    for (const h of this.handles) h.onMessage = (m) => {
      if (m.type !== 'progress') return;
      if (m.p99Ms !== undefined) this.liveP99.set(m.workerIndex, m.p99Ms);
      if (m.p50Ms !== undefined) this.liveP50.set(m.workerIndex, m.p50Ms);
    };
  }

  deliveredNow(): number {
    let d = 0;
    for (let i = 0; i < this.layout.publisherCount; i++) d += this.counters.delivered(i);
    return d;
  }

  expectedNow(): number {
    return expectedDeliveries(this.layout, (pid) => this.counters.sent(pid));
  }

  stopProgress(): void {
    clearTimeout(this.progressTimer);
    clearInterval(this.progressTimer);
  }
}

/** Step 1: every worker opens its connections (and subscribes) and says it is ready. */
async function setUpWorkers(run: EngineRun, listener: ListenerInfo): Promise<void> {
  const { s, kind, layout, o } = run;
  if (kind.rssDelta) {
    // The workers read this process's RSS per held connection: collect the main thread's garbage
    // first (e.g. the run's certificates), or its release during the connections would hide theirs.
    fullGc();
    run.rssBeforeBytes = await run.sampler.rssNow();
  }
  run.handles.forEach((h, i) => {
    const plan: WorkerPlan = {
      workerIndex: i,
      endpoint: { host: listener.host, port: listener.port, tls: listener.tls, ...(listener.credentials ? { credentials: listener.credentials } : {}) },
      protocol: s.protocol,
      qos: s.qos,
      payloadBytes: s.payloadBytes,
      ...layout.perWorker[i]!,
      mode: kind.loop,
      inflight: s.inflight,
      ...(s.inFlightWindow !== undefined ? { inFlightWindow: s.inFlightWindow } : {}),
      ...(o.stampAtActualSend ? { stampAtActualSend: true } : {}),
      ratePerSec: o.ratePerSec,
      durationMs: s.durationMs,
      publisherCount: layout.publisherCount,
      delivered: run.shared,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      ...kind.workerPlan?.(s, o.prefix, i),
    };
    h.send({ type: 'setup', plan });
  });
  // Connections and retained topics take time to set up in proportion to their count.
  const setupTimeoutMs = 30_000 + (s.count ?? 0) * 20;
  await Promise.all(run.handles.map((h) => h.next('ready', setupTimeoutMs)));
}

/** Step 2: start publishing everywhere at one shared-clock instant, and the progress line. */
function startPublishing(run: EngineRun): void {
  const { broker, s, kind, o } = run;
  run.startMs = o.startAtMs ?? nowMs() + START_DELAY_MS;
  for (const h of run.handles) h.send({ type: 'go', startMs: run.startMs });
  o.onStarted?.();
  if (!kind.liveProgress) return;
  let lastDelivered = 0;
  const tick = () => {
    const d = run.deliveredNow();
    // Highest per-worker p99 so far: an upper bound of the merged p99, good enough for progress.
    const p99 = run.liveP99.size ? Math.max(...run.liveP99.values()).toFixed(1) : '-';
    const elapsed = ((nowMs() - run.startMs) / 1000).toFixed(0);
    o.progress?.(`    ${broker.target} ${s.name} ${elapsed}s: ${fmt(d - lastDelivered)} msg/s, p99 ${p99} ms, undelivered ${fmt(Math.max(0, run.expectedNow() - d))}`);
    const highest = (m: Map<number, number>) => (m.size ? Math.max(...m.values()) : undefined);
    o.live?.({ target: broker.target, scenario: s.name, runKey: o.prefix, sent: run.expectedNow(), delivered: d, ratePerSec: d - lastDelivered, ...optional('p50Ms', highest(run.liveP50)), ...optional('p99Ms', highest(run.liveP99)) });
    lastDelivered = d;
  };
  // Offset by 150 ms so that the workers' once-a-second progress has arrived.
  run.progressTimer = setTimeout(() => { tick(); run.progressTimer = setInterval(tick, 1000); }, Math.max(0, run.startMs - nowMs()) + 1150);
}

/** Step 4: wait for stragglers until all expected deliveries arrived, DRAIN_QUIET_MS of no progress, or the cap. */
async function drain(run: EngineRun, expected: number): Promise<void> {
  const capMs = run.kind.drainCapMs(run.s);
  for (let last = run.deliveredNow(), quietSince = nowMs(), t0 = nowMs(); run.deliveredNow() < expected && nowMs() - t0 < capMs;) {
    await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
    const d = run.deliveredNow();
    if (d !== last) { last = d; quietSince = nowMs(); } else if (nowMs() - quietSince > DRAIN_QUIET_MS) break;
  }
}

/** Step 5: each worker stops, closes its connections and sends its histograms and trackers. */
function finishWorkers(run: EngineRun): Promise<WorkerReport[]> {
  return Promise.all(run.handles.map((h) => { const p = h.next('done', 30_000); h.send({ type: 'finish' }); return p; }));
}

/** Runs the scenario's load and returns what was sampled; throws when a worker fails or times out. */
export async function sampleScenario(broker: StartedBroker, s: Scenario, kind: ScenarioKindSpec, layout: Layout, listener: ListenerInfo, o: EngineOptions): Promise<ScenarioSamples> {
  const run = new EngineRun(broker, s, kind, layout, o);
  try {
    await setUpWorkers(run, listener);
    // A shard that is ready only after the shared instant would publish in a window of its own.
    if (o.startAtMs !== undefined && o.startAtMs < nowMs() + 1) {
      throw new Error(`ready ${Math.round(nowMs() - o.startAtMs)} ms after the shared start instant ${new Date(o.startAtMs).toISOString()}; give the shards a later --start-at`);
    }
    const waitMs = Math.max(0, (o.startAtMs ?? 0) - nowMs());
    const published = run.handles.map((h) => h.next('published', waitMs + s.durationMs + 60_000));
    startPublishing(run);
    // Step 3: every worker's publishers have finished.
    const sentReports = await Promise.all(published);
    const publishedAtMs = nowMs();
    const deliveredAtPublishedEnd = run.deliveredNow();
    run.stopProgress();
    const sent: Record<number, number> = Object.assign({}, ...sentReports.map((r) => r.sent));
    await drain(run, expectedDeliveries(layout, (pid) => sent[pid] ?? 0));
    const brokerSamples = await run.sampler.stop();
    const rssAfterBytes = kind.rssDelta ? await run.sampler.rssNow() : undefined;
    const workers = await finishWorkers(run);
    return {
      startMs: run.startMs,
      publishedAtMs,
      deliveredAtPublishedEnd,
      sent,
      workers,
      brokerSamples,
      ...(run.rssBeforeBytes !== undefined ? { rssBeforeBytes: run.rssBeforeBytes } : {}),
      ...(rssAfterBytes !== undefined ? { rssAfterBytes } : {}),
      ratePerSec: o.ratePerSec,
    };
  } catch (e) {
    await run.sampler.stop();
    throw e;
  } finally {
    run.stopProgress();
    await Promise.all(run.handles.map((h) => h.worker.terminate()));
  }
}
