// Broker CPU% and RSS during a scenario, sampled every 500 ms:
// local process → /proc/<pid>; embedded broker → the main thread of this process (/proc/self/task/<pid>;
// the generators run in worker threads, so they are not counted); container → the engine's stats API.
import type { ResourceSample, BenchmarkResult } from '../results/types.ts';
import type { StartedBroker } from '../targets/target.ts';
import { readProcStat } from './cpu-time.ts';

export interface ResourceSampler {
  stop(): Promise<NonNullable<BenchmarkResult['broker']> | undefined>;
  /** Current RSS (bytes) of the broker, when it can be read. */
  rssNow(): number | undefined;
}

/** Pure reducer over samples. */
export function summarizeSamples(samples: ResourceSample[]): NonNullable<BenchmarkResult['broker']> | undefined {
  if (!samples.length) return undefined;
  const cpuPercentMean = Math.round((samples.reduce((a, s) => a + s.cpuPercent, 0) / samples.length) * 10) / 10;
  return { samples, cpuPercentMean, rssBytesMax: Math.max(...samples.map((s) => s.rssBytes)) };
}

export function statFileFor(broker: StartedBroker): string | undefined {
  if (!broker.pid) return undefined;
  if (broker.driver === 'embedded') {
    // Main thread only; its RSS field is the process's (threads share memory).
    return `/proc/self/task/${process.pid}/stat`;
  }
  return `/proc/${broker.pid}/stat`;
}

export function startResourceSampler(broker: StartedBroker, intervalMs = 500): ResourceSampler {
  const file = statFileFor(broker);
  const samples: ResourceSample[] = [];
  if (!file) {
    // Containers: the driver does not expose the container id to the load engine yet, so no samples
    // (the report shows CPU/RSS as absent rather than zero).
    return { stop: async () => undefined, rssNow: () => undefined };
  }
  const t0 = performance.now();
  let last = readProcStat(file);
  let lastT = t0;
  const timer = setInterval(() => {
    const now = performance.now();
    const cur = readProcStat(file);
    if (cur && last) {
      samples.push({ tMs: Math.round(now - t0), cpuPercent: Math.round(((cur.cpuMs - last.cpuMs) / (now - lastT)) * 1000) / 10, rssBytes: cur.rssBytes });
    }
    last = cur;
    lastT = now;
  }, intervalMs);
  return {
    stop: async () => {
      clearInterval(timer);
      return summarizeSamples(samples);
    },
    rssNow: () => readProcStat(file)?.rssBytes,
  };
}
