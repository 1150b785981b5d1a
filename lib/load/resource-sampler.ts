// Broker CPU% and RSS during a scenario, sampled every 500 ms:
// local process → /proc/<pid>; embedded broker → the main thread of this process (/proc/self/task/<pid>;
// the generators run in worker threads, so they are not counted); container → the engine's stats API
// (StartedBroker.containerId).
import type { ResourceSample, BenchmarkResult } from '../results/types.ts';
import type { StartedBroker } from '../core/broker.ts';
import { readProcStat } from './cpu-time.ts';
import { containerUsage } from './container-stats.ts';

export interface ResourceSampler {
  /** Ends sampling (after one last sample) and hands over every sample taken; aggregation summarizes them. */
  stop(): Promise<ResourceSample[]>;
  /** Current RSS (bytes) of the broker, when it can be read. */
  rssNow(): Promise<number | undefined>;
}

/** Pure reducer over samples; no samples (an external broker) is no figure, not zeros. */
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
  if (file) return pollingSampler(async () => readProcStat(file), intervalMs, async () => readProcStat(file)?.rssBytes);
  const containerId = broker.containerId;
  if (containerId) {
    const read = () => containerUsage(containerId).catch(() => undefined);
    return pollingSampler(read, Math.max(intervalMs, 1000), async () => (await read())?.rssBytes);
  }
  // External brokers: nothing to see (the report shows CPU/RSS as absent rather than zero).
  return { stop: async () => [], rssNow: async () => undefined };
}

/** Samples in a loop (never overlapping, since a stats call can be slow) until stopped. */
function pollingSampler(read: () => Promise<{ cpuMs: number; rssBytes: number } | undefined>, intervalMs: number, rssNow: () => Promise<number | undefined>): ResourceSampler {
  const samples: ResourceSample[] = [];
  const t0 = performance.now();
  let stopped = false;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    let last = await read();
    let lastT = performance.now();
    // The last pass runs after stop(), so even a scenario shorter than one interval gets a sample.
    for (let final = false; !final;) {
      await new Promise<void>((r) => { wake = r; setTimeout(r, intervalMs); });
      final = stopped;
      const cur = await read();
      const now = performance.now();
      if (cur && last) samples.push({ tMs: Math.round(now - t0), cpuPercent: Math.round(((cur.cpuMs - last.cpuMs) / (now - lastT)) * 1000) / 10, rssBytes: cur.rssBytes });
      last = cur;
      lastT = now;
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      wake?.();
      await loop;
      return samples;
    },
    rssNow,
  };
}
