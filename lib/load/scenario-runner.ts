// Runs one scenario against one started broker: lays out connections over worker threads, starts them
// together, drains, then reduces what the workers report into a BenchmarkResult. Progress (rate, p99,
// undelivered so far) goes to stderr once a second.
import { Worker } from 'node:worker_threads';
import { randomBytes } from 'node:crypto';
import type { BenchmarkResult } from '../results/types.ts';
import type { ListenerInfo, StartedBroker } from '../core/broker.ts';
import type { Scenario } from './scenario.ts';
import { SharedCounters, type FromWorker, type PublisherSpec, type SubscriberSpec, type ToWorker, type TrackerReport, type WorkerPlan } from './worker-protocol.ts';
import { mergeHistograms, summarizeLatency } from './latency-stats.ts';
import { startResourceSampler } from './resource-sampler.ts';
import { nowMs } from './message-header.ts';

export interface RunScenarioOptions {
  runId: string;
  /** Open loop rate per publisher, resolved by the caller (absolute or a fraction of a measured max). */
  ratePerSec?: number;
  progress?: (line: string) => void;
  /** Called once publishing has started (used by the coordinated-omission proof to freeze the broker). */
  onStarted?: () => void;
}

interface Layout {
  perWorker: { publishers: PublisherSpec[]; subscribers: SubscriberSpec[]; connectors: string[] }[];
  publisherCount: number;
  /** Which publishers each tracker group hears, to know how many deliveries it should have seen. */
  groupPublishers: Map<string, number[]>;
}

/**
 * Pure: where each connection lives. A publisher and its subscriber go to different workers when there
 * are two, so each gets a core (the C clients we compare with are two processes); the delivery window
 * is fed back through shared counters.
 */
export function layoutConnections(s: Scenario, prefix: string, workers: number): Layout {
  const perWorker = Array.from({ length: workers }, () => ({ publishers: [] as PublisherSpec[], subscribers: [] as SubscriberSpec[], connectors: [] as string[] }));
  const groupPublishers = new Map<string, number[]>();
  const id = (role: string, i: number) => `${prefix.replace(/\//g, '-')}-${role}${i}`.slice(-64);
  const n = s.clients;
  let publisherCount = 0;
  if (s.kind === 'connections') {
    for (let i = 0; i < s.count!; i++) perWorker[i % workers]!.connectors.push(id('c', i));
    return { perWorker, publisherCount, groupPublishers };
  }
  if (s.kind === 'retained-storm') {
    // One worker owns both clients (see generator-worker); publisher id 0.
    groupPublishers.set('retained', [0]);
    return { perWorker, publisherCount: 1, groupPublishers };
  }
  switch (s.topology) {
    case 'pairs':
      for (let i = 0; i < n; i++) {
        const topic = `${prefix}/${i}`;
        perWorker[(2 * i) % workers]!.subscribers.push({ clientId: id('s', i), filter: topic, group: `s${i}` });
        perWorker[(2 * i + 1) % workers]!.publishers.push({ id: i, clientId: id('p', i), topic, deliveriesPerMessage: 1, windowShare: 1 });
        groupPublishers.set(`s${i}`, [i]);
      }
      publisherCount = n;
      break;
    case 'fan-in':
      perWorker[0]!.subscribers.push({ clientId: id('s', 0), filter: `${prefix}/+`, group: 's0' });
      for (let i = 0; i < n; i++) perWorker[(i + 1) % workers]!.publishers.push({ id: i, clientId: id('p', i), topic: `${prefix}/${i}`, deliveriesPerMessage: 1, windowShare: n });
      groupPublishers.set('s0', Array.from({ length: n }, (_, i) => i));
      publisherCount = n;
      break;
    case 'fan-out':
      perWorker[0]!.publishers.push({ id: 0, clientId: id('p', 0), topic: `${prefix}/out`, deliveriesPerMessage: n, windowShare: 1 });
      for (let i = 0; i < n; i++) {
        perWorker[(i + 1) % workers]!.subscribers.push({ clientId: id('s', i), filter: `${prefix}/out`, group: `s${i}` });
        groupPublishers.set(`s${i}`, [0]);
      }
      publisherCount = 1;
      break;
    case 'shared':
      // One tracker for the whole group (duplicates across members are visible), so members share a worker.
      perWorker[0]!.publishers.push({ id: 0, clientId: id('p', 0), topic: `${prefix}/shared`, deliveriesPerMessage: 1, windowShare: 1 });
      for (let i = 0; i < n; i++) perWorker[workers - 1]!.subscribers.push({ clientId: id('s', i), filter: `$share/bench/${prefix}/shared`, group: 'shared' });
      groupPublishers.set('shared', [0]);
      publisherCount = 1;
      break;
  }
  return { perWorker, publisherCount, groupPublishers };
}

function workerCount(s: Scenario): number {
  if (s.workers) return s.workers;
  if (s.kind === 'connections' || s.kind === 'retained-storm') return 1;
  // Open loop at a fixed rate: one thread is plenty, and one thread to schedule instead of two keeps
  // the generator's own share of the measured latency small on a busy machine.
  if (s.kind === 'latency') return 1;
  // One pair (1 → 1): publisher and subscriber in one thread. The broker runs on the same machine and
  // needs a core; a second generator thread competes with it and adds a cross-thread wake-up per
  // window refill. Measured against local mosquitto on 2 cores: 105–111k msgs/s (QoS 0) and 45–53k
  // (QoS 1) with one worker, 85k and 32–38k with two.
  if (s.topology === 'pairs' && s.clients === 1) return 1;
  return 2;
}

function listenerFor(s: Scenario, broker: StartedBroker): ListenerInfo | string {
  if (!broker.capabilities.protocols.includes(s.protocol)) return `${broker.target} does not support MQTT ${s.protocol}`;
  if (s.topology === 'shared' && !broker.capabilities.sharedSubscriptions) return `${broker.target} has no shared subscriptions`;
  const l = s.transport === 'tls' ? broker.listeners.tls : broker.listeners.plain;
  if (!l) return `no ${s.transport} listener on ${broker.target}${s.transport === 'tls' ? `: ${broker.missingListeners.tls ?? 'not configured'}` : ''}`;
  return l;
}

function baseResult(s: Scenario, broker: StartedBroker): BenchmarkResult {
  return {
    scenario: s.name,
    target: broker.target,
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

class WorkerHandle {
  readonly worker: Worker;
  private waiters: { type: FromWorker['type']; resolve: (m: FromWorker) => void }[] = [];
  failure: string | undefined;
  onMessage: (m: FromWorker) => void = () => {};

  constructor() {
    // The boot file registers tsx inside the worker (see there).
    this.worker = new Worker(new URL('./generator-worker-boot.mjs', import.meta.url));
    this.worker.on('message', (m: FromWorker) => {
      if (m.type === 'error') this.failure ??= m.message;
      this.onMessage(m);
      this.waiters = this.waiters.filter((w) => (w.type === m.type || m.type === 'error' ? (w.resolve(m), false) : true));
    });
    this.worker.on('error', (e) => { this.failure ??= e.message; this.flushWaiters(); });
    this.worker.on('exit', () => { this.failure ??= 'worker exited'; this.flushWaiters(); });
  }

  private flushWaiters(): void {
    for (const w of this.waiters) w.resolve({ type: 'error', message: this.failure! });
    this.waiters = [];
  }

  send(m: ToWorker): void {
    this.worker.postMessage(m);
  }

  next<T extends FromWorker['type']>(type: T, timeoutMs: number): Promise<Extract<FromWorker, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`generator worker sent no "${type}" within ${timeoutMs} ms`)), timeoutMs);
      const settle = (m: FromWorker) => {
        clearTimeout(timer);
        if (m.type === 'error') reject(new Error(m.message));
        else resolve(m as Extract<FromWorker, { type: T }>);
      };
      if (this.failure) return settle({ type: 'error', message: this.failure });
      this.waiters.push({ type, resolve: settle });
    });
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export async function runScenario(broker: StartedBroker, s: Scenario, o: RunScenarioOptions): Promise<BenchmarkResult> {
  const result = baseResult(s, broker);
  const listener = listenerFor(s, broker);
  if (typeof listener === 'string') return { ...result, notRun: listener };
  const open = s.kind === 'latency';
  const ratePerSec = open ? o.ratePerSec ?? s.ratePerSec ?? 0 : 0;
  if (open) result.ratePerSec = ratePerSec;
  if (open && !ratePerSec) return { ...result, notRun: 'no rate: ratePerSec missing and rateFraction not resolved' };
  const prefix = `bench/${o.runId}/${s.name}/${randomBytes(3).toString('hex')}`;
  const workers = workerCount(s);
  const layout = layoutConnections(s, prefix, workers);
  const shared = SharedCounters.allocate(layout.publisherCount);
  const counters = new SharedCounters(shared);
  const handles = Array.from({ length: workers }, () => new WorkerHandle());
  const sampler = startResourceSampler(broker);
  const rssBefore = s.kind === 'connections' ? await sampler.rssNow() : undefined;
  const liveP99 = new Map<number, number>();
  for (const h of handles) h.onMessage = (m) => { if (m.type === 'progress' && m.p99Ms !== undefined) liveP99.set(m.workerIndex, m.p99Ms); };
  let progressTimer: NodeJS.Timeout | undefined;
  try {
    handles.forEach((h, i) => {
      const plan: WorkerPlan = {
        workerIndex: i,
        endpoint: { host: listener.host, port: listener.port, tls: listener.tls, ...(listener.credentials ? { credentials: listener.credentials } : {}) },
        protocol: s.protocol,
        qos: s.qos,
        payloadBytes: s.payloadBytes,
        ...layout.perWorker[i]!,
        mode: open ? 'open' : 'closed',
        inflight: s.inflight,
        ratePerSec,
        durationMs: s.durationMs,
        publisherCount: layout.publisherCount,
        delivered: shared,
        connectTimeoutMs: 10_000,
        ...(s.kind === 'retained-storm' && i === 0 ? { retained: { prefix, count: s.count! } } : {}),
      };
      h.send({ type: 'setup', plan });
    });
    const setupTimeoutMs = 30_000 + (s.count ?? 0) * 20;
    await Promise.all(handles.map((h) => h.next('ready', setupTimeoutMs)));
    const startMs = nowMs() + 50;
    const published = handles.map((h) => h.next('published', s.durationMs + 60_000));
    for (const h of handles) h.send({ type: 'go', startMs });
    o.onStarted?.();

    const deliveredNow = () => { let d = 0; for (let i = 0; i < layout.publisherCount; i++) d += counters.delivered(i); return d; };
    const expectedNow = () => { let e = 0; for (const p of layout.perWorker.flatMap((w) => w.publishers)) e += counters.sent(p.id) * p.deliveriesPerMessage; return e; };
    let lastDelivered = 0;
    if (s.kind !== 'connections') {
      // Offset by 150 ms so that the workers' once-a-second histograms have arrived.
      const tick = () => {
        const d = deliveredNow();
        // Highest per-worker p99 so far: an upper bound of the merged p99, good enough for progress.
        const p99 = liveP99.size ? Math.max(...liveP99.values()).toFixed(1) : '-';
        const elapsed = ((nowMs() - startMs) / 1000).toFixed(0);
        o.progress?.(`    ${broker.target} ${s.name} ${elapsed}s: ${fmt(d - lastDelivered)} msg/s, p99 ${p99} ms, undelivered ${fmt(Math.max(0, expectedNow() - d))}`);
        lastDelivered = d;
      };
      progressTimer = setTimeout(() => { tick(); progressTimer = setInterval(tick, 1000); }, 1150);
    }
    const sentReports = await Promise.all(published);
    const publishedAt = nowMs();
    const deliveredAtEnd = deliveredNow();
    clearTimeout(progressTimer);
    clearInterval(progressTimer);
    const sent: Record<number, number> = Object.assign({}, ...sentReports.map((r) => r.sent));
    const expected = s.kind === 'retained-storm' ? (sent[0] ?? 0) : layout.perWorker.flatMap((w) => w.publishers).reduce((a, p) => a + (sent[p.id] ?? 0) * p.deliveriesPerMessage, 0);
    // Drain: wait for stragglers until all expected deliveries arrived, 1 s of no progress, or 5 s.
    const drainCapMs = s.kind === 'retained-storm' ? Math.max(5000, s.durationMs) : 5000;
    for (let last = deliveredNow(), quietSince = nowMs(), t0 = nowMs(); deliveredNow() < expected && nowMs() - t0 < drainCapMs;) {
      await new Promise((r) => setTimeout(r, 50));
      const d = deliveredNow();
      if (d !== last) { last = d; quietSince = nowMs(); } else if (nowMs() - quietSince > 1000) break;
    }
    const broker_ = await sampler.stop();
    const rssAfter = s.kind === 'connections' ? await sampler.rssNow() : undefined;
    const done = await Promise.all(handles.map((h) => { const p = h.next('done', 30_000); h.send({ type: 'finish' }); return p; }));

    const trackers: TrackerReport[] = done.flatMap((d) => d.trackers);
    let lost = 0, duplicates = 0, reordered = 0, uniqueTotal = 0;
    for (const [group, pubs] of layout.groupPublishers) {
      for (const pid of pubs) {
        const t = trackers.find((x) => x.group === group && x.publisherId === pid);
        lost += Math.max(0, (sent[pid] ?? 0) - (t?.unique ?? 0));
        duplicates += t?.duplicates ?? 0;
        reordered += t?.reordered ?? 0;
        uniqueTotal += t?.unique ?? 0;
      }
    }
    const histogram = mergeHistograms(done.map((d) => d.histogram));
    const latency = summarizeLatency(histogram);
    histogram.destroy();
    const workerCpu = done.map((d) => (d.wallMs > 0 ? (d.cpuMs / d.wallMs) * 100 : 0));
    const busiest = Math.max(...workerCpu);
    const brokerSaturated = broker_ ? broker_.cpuPercentMean >= 85 : false;
    const activeMs = s.kind === 'connections' ? Math.max(...done.map((d) => d.connectedMs)) : s.kind === 'retained-storm' ? Math.max(1, done[0]!.retainedWindowMs ?? 0) : Math.max(1, publishedAt - startMs);
    Object.assign(result, {
      durationMs: Math.round(activeMs),
      sent: Object.values(sent).reduce((a, b) => a + b, 0),
      received: uniqueTotal + duplicates,
      msgsPerSec: s.kind === 'connections' ? 0 : Math.round(((s.kind === 'retained-storm' ? uniqueTotal : deliveredAtEnd) / activeMs) * 1000),
      ...(latency ? { latency } : {}),
      ...(s.kind !== 'connections' ? { loss: { lost, duplicates, reordered, lossRate: expected ? lost / expected : 0 } } : {}),
      ...(broker_ ? { broker: broker_ } : {}),
      // A worker thread near 100% of a core while the broker is not saturated: the generator limited the result.
      generator: { cpuPercentMean: Math.round(busiest * 10) / 10, bound: busiest >= 90 && !brokerSaturated},
    });
    const extra: Record<string, number> = {};
    if (s.kind === 'connections') {
      const connectLatency = summarizeLatency(mergeHistograms(done.map((d) => d.connectHistogram)));
      if (connectLatency) result.latency = connectLatency;
      extra.connections = s.count!;
      extra.connectionsPerSec = Math.round((s.count! / activeMs) * 1000);
      // RSS is a high-water mark that a broker reusing freed memory may not move (or even lower): floor at 0.
      if (rssBefore !== undefined && rssAfter !== undefined) extra.bytesPerConnection = Math.max(0, Math.round((rssAfter - rssBefore) / s.count!));
    }
    if (s.topology === 'shared') {
      const members = done.flatMap((d) => d.memberCounts);
      extra.memberMin = Math.min(...members);
      extra.memberMax = Math.max(...members);
    }
    if (s.kind === 'retained-storm') {
      extra.retainedTopics = s.count!;
      extra.storeMs = Math.round(publishedAt - startMs);
    }
    if (open) extra.intendedRatePerSec = ratePerSec * layout.publisherCount;
    if (Object.keys(extra).length) result.extra = extra;
    return result;
  } catch (e) {
    await sampler.stop();
    return { ...result, error: (e as Error).message };
  } finally {
    clearTimeout(progressTimer);
    clearInterval(progressTimer);
    await Promise.all(handles.map((h) => h.worker.terminate()));
  }
}
