// Proof of loss accounting: through a relay that drops every 100th PUBLISH on its way to the broker,
// the benchmark must report 1% loss (± 0.1%) and no duplicates; straight to the broker, 0 loss.
// Needs: mosquitto (apt).
import { describe, expect, it } from 'vitest';
import { needBinary } from './support/requirements.ts';
import { startLocalMosquitto } from './support/local-mosquitto.ts';
import { startLossyRelay } from './support/lossy-relay.ts';
import { runScenario } from '../lib/load/scenario-runner.ts';
import { parseScenario } from '../lib/load/scenario.ts';
import type { StartedBroker } from '../lib/core/broker.ts';

const scenario = parseScenario({ name: 'loss-proof', kind: 'latency', qos: 0, payloadBytes: 64, ratePerSec: 2000, durationMs: 5000 }, 'test');

describe('loss accounting', () => {
  it('reports 1% ± 0.1% loss and 0 duplicates through a relay dropping every 100th PUBLISH', { timeout: 90_000 }, async (ctx) => {
    needBinary(ctx, 'mosquitto');
    const { broker, stop } = await startLocalMosquitto('bench-loss');
    const relay = await startLossyRelay(broker.listeners.plain!.port, 100);
    try {
      const viaRelay: StartedBroker = { ...broker, listeners: { plain: { ...broker.listeners.plain!, port: relay.port } } };
      const lossy = await runScenario(viaRelay, scenario, { runId: 'loss' });
      process.stderr.write(`relay: sent ${lossy.sent}, dropped ${relay.dropped()}, lost ${lossy.loss?.lost}, lossRate ${lossy.loss?.lossRate}, dup ${lossy.loss?.duplicates}, reordered ${lossy.loss?.reordered}\n`);
      expect(lossy.error).toBeUndefined();
      expect(lossy.sent).toBe(10_000);
      expect(relay.dropped()).toBe(100);
      expect(lossy.loss!.lossRate).toBeGreaterThanOrEqual(0.009);
      expect(lossy.loss!.lossRate).toBeLessThanOrEqual(0.011);
      expect(lossy.loss!.duplicates).toBe(0);

      const direct = await runScenario(broker, scenario, { runId: 'noloss' });
      expect(direct.loss).toEqual({ lost: 0, duplicates: 0, reordered: 0, lossRate: 0 });
    } finally {
      await relay.close();
      await stop();
    }
  });
});
