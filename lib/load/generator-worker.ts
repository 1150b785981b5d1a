// A generator worker thread: owns its connections, runs its publishers/subscribers, reports
// progress once a second and, at the end, its histograms and delivery counts.
import { parentPort } from 'node:worker_threads';
import { LoadConnection } from './load-connection.ts';
import { LoadPublisher } from './load-publisher.ts';
import { LoadSubscriber } from './load-subscriber.ts';
import { SequenceTracker } from './sequence-tracker.ts';
import { encodeHistogram, newLatencyHistogram, recordMs } from './latency-stats.ts';
import { threadCpuMs } from './cpu-time.ts';
import { publishRetained } from './retained-storm.ts';
import { nowMs } from './message-header.ts';
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
let progressTimer: NodeJS.Timeout | undefined;
const cpu0 = threadCpuMs();
const wall0 = performance.now();
let retainedConns: { pub: LoadConnection; sub: LoadConnection } | undefined;
let subscribedAt = 0;
let lastDeliveryAt = 0;

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
  const t0 = performance.now();
  // Connection-rate scenarios: 8 handshakes in flight at a time, each timed connect → CONNACK.
  const queue = [...p.connectors];
  await Promise.all(Array.from({ length: Math.min(8, queue.length) }, async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      const { conn, connectMs } = await LoadConnection.open(p.endpoint, id, p.protocol, p.connectTimeoutMs);
      recordMs(connectHist, connectMs);
      connectors.push(conn);
    }
  }));
  connectedMs = performance.now() - t0;
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
    post({ type: 'progress', workerIndex: plan.workerIndex, p99Ms: total.totalCount ? total.getValueAtPercentile(99) / 1000 : undefined });
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
