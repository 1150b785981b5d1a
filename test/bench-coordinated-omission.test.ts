// Proof that latency is measured from the *intended* send time: an open-loop run at 2,000 msgs/s for
// 10 s against local Mosquitto, frozen with SIGSTOP for 1 s in the middle. Messages due during the
// freeze are sent late (or sit in buffers) and must show up as latency: ≥ 2% of them are due in the
// first 200 ms of the freeze and wait ≥ 800 ms, so p99 ≥ 800 ms, while the median stays low.
// A generator measuring from the actual send time would report a small p99 here and fail.
// Needs: mosquitto (apt).
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { newLatencyHistogram, recordMs } from '../lib/load/latency-stats.ts';
import { needBinary } from './support/requirements.ts';
import { startLocalMosquitto } from './support/local-mosquitto.ts';
import { runScenario } from '../lib/load/scenario-runner.ts';
import { parseScenario } from '../lib/load/scenario.ts';

const scenario = parseScenario({ name: 'co-proof', kind: 'latency', qos: 0, payloadBytes: 64, ratePerSec: 2000, durationMs: 10_000 }, 'test');

describe('coordinated omission', () => {
  it('a 1 s broker freeze shows as p99 ≥ 800 ms with p50 < 20 ms; without the freeze p99 < 50 ms', { timeout: 120_000 }, async (ctx) => {
    needBinary(ctx, 'mosquitto');
    const { broker, stop } = await startLocalMosquitto('bench-co');
    let frozen = false;
    const timers: NodeJS.Timeout[] = [];
    try {
      const freeze = await runScenario(broker, scenario, {
        runId: 'co-freeze',
        onStarted: () => {
          timers.push(setTimeout(() => { process.kill(broker.pid!, 'SIGSTOP'); frozen = true; }, 4500));
          timers.push(setTimeout(() => { process.kill(broker.pid!, 'SIGCONT'); frozen = false; }, 5500));
        },
      });
      process.stderr.write(`freeze: p50 ${freeze.latency?.p50Ms} ms, p99 ${freeze.latency?.p99Ms} ms, max ${freeze.latency?.maxMs} ms, n ${freeze.latency?.count}\n`);
      expect(freeze.error).toBeUndefined();
      expect(freeze.loss?.lost).toBe(0);
      expect(freeze.latency!.p99Ms).toBeGreaterThanOrEqual(800);
      expect(freeze.latency!.p50Ms).toBeLessThan(20);

      // Scheduler noise probe: how late a 1 ms timer in this process fires during the calm run. On an
      // overloaded machine it explains a calm p99 over 50 ms (reported in the failure message).
      const lateness = newLatencyHistogram();
      let expectedAt = performance.now() + 1;
      const probe = setInterval(() => { const now = performance.now(); recordMs(lateness, Math.max(0, now - expectedAt)); expectedAt = now + 1; }, 1);
      const calm = await runScenario(broker, scenario, { runId: 'co-calm' }).finally(() => clearInterval(probe));
      const noiseP99Ms = lateness.getValueAtPercentile(99) / 1000;
      process.stderr.write(`calm: p50 ${calm.latency?.p50Ms} ms, p99 ${calm.latency?.p99Ms} ms, max ${calm.latency?.maxMs} ms; timer lateness p99 ${noiseP99Ms} ms, load ${os.loadavg()[0]!.toFixed(1)}\n`);
      expect(calm.error).toBeUndefined();
      expect(calm.latency!.count).toBe(20_000);
      expect(calm.latency!.p99Ms, `calm p99 ${calm.latency!.p99Ms} ms; this process's 1 ms timer fired up to ${noiseP99Ms} ms late at p99 (machine load ${os.loadavg()[0]!.toFixed(1)})`).toBeLessThan(50);
    } finally {
      for (const t of timers) clearTimeout(t);
      if (frozen) process.kill(broker.pid!, 'SIGCONT');
      await stop();
    }
  });
});
