// A generator worker thread: owns its connections, runs its publishers/subscribers, reports
// progress once a second and, at the end, its histograms and delivery counts.
import { parentPort } from 'node:worker_threads';
import { LoadConnection, sourceAddress } from './load-connection.ts';
import { LoadPublisher } from './load-publisher.ts';
import { LoadSubscriber } from './load-subscriber.ts';
import { SequenceTracker } from './sequence-tracker.ts';
import { encodeHistogram, newLatencyHistogram, recordMs } from './latency-stats.ts';
import { threadCpuMs } from './cpu-time.ts';
import { publishRetained } from './retained-storm.ts';
import { nowMs } from './message-header.ts';
import { fullGc } from './full-gc.ts';
import { SharedCounters, type FromWorker, type ToWorker, type TrackerReport, type WorkerPlan } from './worker-protocol.ts';

const port = parentPort!;

const post = (m: FromWorker) => port.postMessage(m);

let plan: WorkerPlan;
const publishers: LoadPublisher[] = [];
const subscribers: LoadSubscriber[] = [];
const connectors: LoadConnection[] = [];
const groups = new Map<string, Map<number, SequenceTracker>>();
const total = newLatencyHistogram();
const connectHist = newLatencyHistogram();
let connectedMs = 0;
/** Process RSS growth per held connection while this worker opened them (threads share one RSS; see openConnectors). */
let connectorBytesPerConnection: number | undefined;
let progressTimer: NodeJS.Timeout | undefined;
const cpu0 = threadCpuMs();
const wall0 = performance.now();
let retainedConns: { pub: LoadConnection; sub: LoadConnection } | undefined;
let subscribedAt = 0;
let lastDeliveryAt = 0;

/**
 * Connection-rate scenarios: 8 handshakes in flight at a time, each timed connect → CONNACK. Memory
 * per idle connection is the process RSS growth over all but the first tenth (at least 64), each end
 * measured after a full collection: the first connections pay one-time costs (mqtt-packet's cache of
 * 65,536 packet-id buffers, V8 growing its young generation) that are not what a connection keeps.
 * The collections' time is left out of the connect window.
 */
async function openConnectors(p: WorkerPlan): Promise<void> {
  if (!p.connectors.length) return;
  const warmUp = Math.min(p.connectors.length, Math.max(64, Math.floor(p.connectors.length / 10)));
  let k = 0;
  const open = (ids: string[]) => Promise.all(Array.from({ length: Math.min(8, ids.length) }, async () => {
    for (let id = ids.shift(); id !== undefined; id = ids.shift()) {
      const { conn, connectMs } = await LoadConnection.open(p.endpoint, id, p.protocol, p.connectTimeoutMs, sourceAddress(p.endpoint.host, p.workerIndex, k++));
      recordMs(connectHist, connectMs);
      connectors.push(conn);
    }
  }));
  const t0 = performance.now();
  await open(p.connectors.slice(0, warmUp));
  const c0 = performance.now();
  fullGc();
  const rss0 = process.memoryUsage.rss();
  const c1 = performance.now();
  await open(p.connectors.slice(warmUp));
  const c2 = performance.now();
  fullGc();
  connectedMs = c2 - t0 - (c1 - c0);
  const measured = p.connectors.length - warmUp;
  if (measured > 0) connectorBytesPerConnection = Math.max(0, process.memoryUsage.rss() - rss0) / measured;
}

async function setup(p: WorkerPlan): Promise<void> {
  plan = p;
  const delivered = new SharedCounters(p.delivered);
  const pumpLocal = () => { for (const pub of publishers) pub.pump(); };
  for (const s of p.subscribers) {
    const { conn } = await LoadConnection.open(p.endpoint, s.clientId, p.protocol, p.connectTimeoutMs);
    let trackers = groups.get(s.group);
    if (!trackers) groups.set(s.group, (trackers = new Map()));
    subscribers.push(new LoadSubscriber(conn, trackers, (ms) => recordMs(total, ms), delivered, pumpLocal));
    await conn.subscribe(s.filter, p.qos, p.connectTimeoutMs);
  }
  await openConnectors(p);
  if (p.retained) {
    const pub = (await LoadConnection.open(p.endpoint, `${p.retained.prefix.replace(/\//g, '-')}-rp`.slice(-64), p.protocol, p.connectTimeoutMs)).conn;
    const sub = (await LoadConnection.open(p.endpoint, `${p.retained.prefix.replace(/\//g, '-')}-rs`.slice(-64), p.protocol, p.connectTimeoutMs)).conn;
    retainedConns = { pub, sub };
    const trackers = new Map<number, SequenceTracker>();
    groups.set('retained', trackers);
    // Latency here = time from SUBSCRIBE to the arrival of each retained message.
    subscribers.push(new LoadSubscriber(sub, trackers, () => {
      const now = nowMs();
      lastDeliveryAt = now;
      recordMs(total, now - subscribedAt);
    }, delivered, () => {}));
  }
  for (const s of p.publishers) {
    const { conn } = await LoadConnection.open(p.endpoint, s.clientId, p.protocol, p.connectTimeoutMs);
    publishers.push(new LoadPublisher(conn, s, p));
  }
}

function go(startMs: number): void {
  progressTimer = setInterval(() => {
    const n = total.totalCount;
    post({ type: 'progress', workerIndex: plan.workerIndex, p50Ms: n ? total.getValueAtPercentile(50) / 1000 : undefined, p99Ms: n ? total.getValueAtPercentile(99) / 1000 : undefined });
  }, 1000);
  if (plan.retained && retainedConns) {
    const { pub, sub } = retainedConns;
    const r = plan.retained;
    publishRetained(pub, { prefix: r.prefix, count: r.count, payloadBytes: plan.payloadBytes, inflight: plan.inflight, publisherId: 0, timeoutMs: plan.durationMs + 60_000 })
      .then(async (sent) => {
        new SharedCounters(plan.delivered).setSent(0, sent);
        post({ type: 'published', sent: { 0: sent } });
        subscribedAt = nowMs();
        await sub.subscribe(`${r.prefix}/r/#`, plan.qos, plan.connectTimeoutMs);
      })
      .catch((e: unknown) => post({ type: 'error', message: (e as Error).message }));
    return;
  }
  let running = publishers.length;
  const published = () => post({ type: 'published', sent: Object.fromEntries(publishers.map((x) => [x.spec.id, x.sent])) });
  // Held connections (connections scenarios) stay open and idle for the scenario's duration.
  if (!running && connectors.length) return void setTimeout(published, Math.max(0, startMs - nowMs()) + plan.durationMs);
  if (!running) return published();
  for (const pub of publishers) {
    pub.onFinished = () => { if (--running === 0) published(); };
  }
  const delay = Math.max(0, startMs - (performance.timeOrigin + performance.now()));
  setTimeout(() => { for (const pub of publishers) pub.start(startMs); }, delay);
}

async function finish(): Promise<void> {
  clearInterval(progressTimer);
  for (const pub of publishers) pub.stop();
  const trackers: TrackerReport[] = [];
  for (const [group, map] of groups) {
    for (const [publisherId, t] of map) trackers.push({ publisherId, group, ...t.counts });
  }
  post({
    type: 'done',
    histogram: encodeHistogram(total),
    connectHistogram: encodeHistogram(connectHist),
    connectedMs,
    ...(connectors.length ? { held: connectors.filter((c) => !c.closed).length } : {}),
    ...(connectorBytesPerConnection !== undefined ? { connectorBytesPerConnection } : {}),
    trackers,
    memberCounts: subscribers.map((s) => s.received),
    cpuMs: threadCpuMs() - cpu0,
    ...(plan.retained ? { retainedWindowMs: Math.max(0, lastDeliveryAt - subscribedAt) } : {}),
    wallMs: performance.now() - wall0,
  });
  await Promise.all([...publishers.map((x) => x.conn), ...subscribers.map((x) => x.conn), ...connectors, ...(retainedConns ? [retainedConns.pub] : [])].map((c) => c.close()));
  port.close();
}

port.on('message', (m: ToWorker) => {
  const fail = (e: unknown) => post({ type: 'error', message: (e as Error).message ?? String(e) });
  try {
    if (m.type === 'setup') setup(m.plan).then(() => post({ type: 'ready' }), fail);
    else if (m.type === 'go') go(m.startMs);
    else finish().catch(fail);
  } catch (e) {
    fail(e);
  }
});
