// Live OpenMetrics during a benchmark (`--metrics-port`): what the engine's once-a-second progress
// line shows, as a scrape target. Bound to 127.0.0.1 only (the figures are for the person running the
// benchmark, not the network). Rendered by prom-client in the OpenMetrics text format; the series are
// labelled by target and scenario. Final figures are still the merged histograms of results.json:
// p50/p99 here are the highest per-worker values so far (upper bounds), as on the progress line.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry, type OpenMetricsContentType } from 'prom-client';

/** One progress tick of one scenario run (engine → metrics). */
export interface LiveSample {
  target: string;
  scenario: string;
  /** One engine run (a sweep has one per step): counts restart from 0 with each. */
  runKey: string;
  /** Messages sent and first deliveries counted so far in this run. */
  sent: number;
  delivered: number;
  /** Deliveries over the last tick, per second. */
  ratePerSec: number;
  p50Ms?: number;
  p99Ms?: number;
}

export interface LiveMetrics {
  port: number;
  update(x: LiveSample): void;
  /** After the drain: messages never delivered (the scenario's loss). */
  finished(target: string, scenario: string, lost: number | undefined): void;
  close(): Promise<void>;
}

export async function startLiveMetrics(port: number): Promise<LiveMetrics> {
  const registry = new Registry<OpenMetricsContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  const labelNames = ['target', 'scenario'] as const;
  const sent = new Counter({ name: 'mqtt_bench_messages_sent', help: 'Messages sent by the generator', labelNames, registers: [registry] });
  const delivered = new Counter({ name: 'mqtt_bench_messages_delivered', help: 'First deliveries counted by the subscribers', labelNames, registers: [registry] });
  const rate = new Gauge({ name: 'mqtt_bench_delivery_rate_msgs_per_second', help: 'Deliveries over the last second', labelNames, registers: [registry] });
  const undelivered = new Gauge({ name: 'mqtt_bench_undelivered_messages', help: 'Sent but not yet delivered: in flight, or lost', labelNames, registers: [registry] });
  const latency = new Gauge({ name: 'mqtt_bench_latency_so_far_ms', help: 'Latency percentile so far (highest per generator worker: an upper bound)', labelNames: [...labelNames, 'quantile'], registers: [registry] });
  const lost = new Gauge({ name: 'mqtt_bench_lost_messages', help: 'Messages never delivered, once the scenario has drained', labelNames, registers: [registry] });
  // Counters only go up: keep what each engine run has added so far and add the difference.
  const seen = new Map<string, { sent: number; delivered: number }>();

  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || !req.url?.startsWith('/metrics')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (e: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${(e as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  return {
    port: (server.address() as AddressInfo).port,
    update(x) {
      const labels = { target: x.target, scenario: x.scenario };
      const key = x.runKey;
      const before = seen.get(key) ?? { sent: 0, delivered: 0 };
      if (x.sent > before.sent) sent.inc(labels, x.sent - before.sent);
      if (x.delivered > before.delivered) delivered.inc(labels, x.delivered - before.delivered);
      seen.set(key, { sent: Math.max(before.sent, x.sent), delivered: Math.max(before.delivered, x.delivered) });
      rate.set(labels, x.ratePerSec);
      undelivered.set(labels, Math.max(0, x.sent - x.delivered));
      if (x.p50Ms !== undefined) latency.set({ ...labels, quantile: '0.5' }, x.p50Ms);
      if (x.p99Ms !== undefined) latency.set({ ...labels, quantile: '0.99' }, x.p99Ms);
    },
    finished(target, scenario, n) {
      if (n !== undefined) lost.set({ target, scenario }, n);
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
