// tinybench micro-benchmarks: the generator's hot paths (PUBLISH encode / decode) and single broker
// round trips (connect→CONNACK, TLS handshake when a TLS listener exists, publish→PUBACK). Each task
// runs for a bounded time (and iteration count) and becomes a BenchmarkResult of kind 'micro'.
import { Bench } from 'tinybench';
import type { BenchmarkResult } from '../results/types.ts';
import type { ThresholdMetric } from '../results/thresholds.ts';
import type { ListenerInfo, StartedBroker } from '../core/broker.ts';
import { FrameSplitter, PACKET, PublishTemplate, publishLayout } from './wire-codec.ts';
import { readHeader, writeHeader } from './message-header.ts';
import { LoadConnection } from './load-connection.ts';
import { newLatencyHistogram, recordMs, summarizeLatency } from './latency-stats.ts';

const TIME_MS = 400;

/** Every micro-benchmark's result name (thresholds may name them before any broker starts). */
export const MICRO_BENCHMARKS = {
  encodePublish: 'micro.encode-publish-64b',
  decodePublish: 'micro.decode-publish-64b',
  connect: 'micro.connect-connack',
  tlsHandshake: 'micro.tls-handshake-connack',
  publishPuback: 'micro.publish-puback',
} as const;

/** Threshold metrics a micro-benchmark result carries: latency from its samples, and ops/s. */
export const MICRO_METRICS = ['p50Ms', 'p90Ms', 'p99Ms', 'p999Ms', 'maxMs', 'meanMs', 'opsPerSec'] as const satisfies readonly ThresholdMetric[];

interface MicroTask {
  name: string;
  fn: () => unknown;
  setup?: () => Promise<void>;
  teardown?: () => Promise<void>;
}

function codecTasks(): MicroTask[] {
  const template = new PublishTemplate('bench/micro/topic', 1, 64, '3.1.1');
  const out = Buffer.alloc(template.size);
  let seq = 0;
  const packet = Buffer.alloc(template.size);
  writeHeader(packet, template.place(packet, 0, 1), 1, 1, 0);
  const header = { publisherId: 0, seq: 0, intendedMs: 0 };
  const splitter = new FrameSplitter((f) => readHeader(f.buf, publishLayout(f, false).payloadStart, header));
  return [
    { name: MICRO_BENCHMARKS.encodePublish, fn: () => writeHeader(out, template.place(out, 0, (seq & 0xffff) || 1), 1, seq++, 0) },
    { name: MICRO_BENCHMARKS.decodePublish, fn: () => splitter.push(packet) },
  ];
}

function brokerTasks(broker: StartedBroker, listener: ListenerInfo, runId: string): MicroTask[] {
  const ep = { host: listener.host, port: listener.port, tls: listener.tls, ...(listener.credentials ? { credentials: listener.credentials } : {}) };
  let n = 0;
  const connect = async () => {
    const { conn } = await LoadConnection.open(ep, `micro-${runId}-${n++}`.slice(-64), '3.1.1', 5000);
    await conn.close();
  };
  const tasks: MicroTask[] = [{ name: MICRO_BENCHMARKS.connect, fn: connect }];
  const tls = broker.listeners.tls;
  if (tls) {
    tasks.push({ name: MICRO_BENCHMARKS.tlsHandshake, fn: async () => {
      const { conn } = await LoadConnection.open({ host: tls.host, port: tls.port, tls: true, ...(tls.credentials ? { credentials: tls.credentials } : {}) }, `micro-tls-${runId}-${n++}`.slice(-64), '3.1.1', 5000);
      await conn.close();
    } });
  }
  let pub: LoadConnection | undefined;
  let waiting: (() => void) | undefined;
  const template = new PublishTemplate(`bench/${runId}/micro/puback`, 1, 64, '3.1.1');
  const buf = Buffer.alloc(template.size);
  let pid = 0;
  tasks.push({
    name: MICRO_BENCHMARKS.publishPuback,
    setup: async () => {
      pub = (await LoadConnection.open(ep, `micro-pub-${runId}`.slice(-64), '3.1.1', 5000)).conn;
      pub.onFrame = (f) => { if (f.type === PACKET.PUBACK) waiting?.(); };
    },
    teardown: async () => { await pub?.close(); },
    fn: () => new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no PUBACK within 5 s')), 5000);
      waiting = () => { clearTimeout(timer); resolve(); };
      pid = pid === 65_535 ? 1 : pid + 1;
      writeHeader(buf, template.place(buf, 0, pid), 0, pid, 0);
      pub!.write(buf);
    }),
  });
  return tasks;
}

export async function runMicroBenchmarks(broker: StartedBroker, runId: string): Promise<BenchmarkResult[]> {
  const listener = broker.listeners.plain;
  const tasks = [...codecTasks(), ...(listener ? brokerTasks(broker, listener, runId) : [])];
  const results: BenchmarkResult[] = [];
  for (const t of tasks) {
    await t.setup?.();
    try {
      // tinybench runs until both TIME_MS and 10 iterations are reached: bounded in time.
      const bench = new Bench({ time: TIME_MS, iterations: 10, warmup: true, retainSamples: true });
      bench.add(t.name, t.fn);
      await bench.run();
      const r = bench.tasks[0]!.result;
      const base: BenchmarkResult = { scenario: t.name, target: broker.target, protocol: '3.1.1', kind: 'micro', durationMs: 0, sent: 0, received: 0, msgsPerSec: 0 };
      if (r.state !== 'completed' && r.state !== 'aborted-with-statistics') {
        results.push({ ...base, error: r.state === 'errored' ? String(r.error) : r.state });
        continue;
      }
      const h = newLatencyHistogram();
      for (const ms of r.latency.samples ?? []) recordMs(h, ms);
      const latency = summarizeLatency(h);
      h.destroy();
      results.push({
        ...base,
        durationMs: Math.round(r.totalTime),
        // Samples (ms) go through the same HDR summary as the load scenarios, so percentiles mean the same.
        ...(latency ? { latency } : {}),
        extra: { opsPerSec: Math.round(r.throughput.mean) },
      });
    } finally {
      await t.teardown?.();
    }
  }
  return results;
}
