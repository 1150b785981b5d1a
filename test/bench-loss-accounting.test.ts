// Proof of loss and duplicate accounting, each with the other as its control. Through the fault proxy
// (lib/faults/fault-proxy.ts) with a rig fault that acts on every 100th PUBLISH from client to broker
// (only the publisher sends PUBLISH): dropping it must be reported as exactly that many lost and no
// duplicates; sending it twice as exactly that many duplicates and nothing lost; straight to the
// broker, neither. QoS 0 on purpose: a dropped QoS 0 message has no retransmission, so it stays lost
// (deterministic counts), and a second copy is simply delivered twice. At QoS 1 a dropped PUBLISH
// would leave its PUBACK missing and a duplicated one would bring a second PUBACK, skewing the
// sender's acknowledgement count rather than testing the subscriber's accounting.
// Needs: mosquitto (apt).
import { describe, expect, it } from 'vitest';
import { needBinary } from './support/requirements.ts';
import { startLocalMosquitto } from './support/local-mosquitto.ts';
import { runScenario } from '../lib/load/scenario-runner.ts';
import { parseScenario } from '../lib/load/scenario.ts';
import { startFaultProxy } from '../lib/faults/fault-proxy.ts';
import type { Fault } from '../lib/faults/fault.ts';
import type { StartedBroker } from '../lib/core/broker.ts';
import type { BenchmarkResult } from '../lib/results/types.ts';

const EVERY = 100;
const scenario = parseScenario({ name: 'loss-proof', kind: 'latency', qos: 0, payloadBytes: 64, ratePerSec: 2000, durationMs: 5000 }, 'test');
const SENT = 10_000;

/**
 * A benchmark-rig fault for this proof only, not part of the conformance catalogue: QoS 0 loss and
 * duplication break no normative statement, and this file's assertions are its catchers.
 */
function everyHundredthPublish(action: 'drop' | 'duplicate'): { fault: Fault; hits: () => number } {
  let publishes = 0;
  let hits = 0;
  const fault: Fault = {
    name: `bench-${action}-every-${EVERY}th-publish`,
    description: `${action} every ${EVERY}th PUBLISH on its way to the broker`,
    statement: '',
    catchers: [],
    fromClient: (frame) => {
      if (frame.type !== 3 || ++publishes % EVERY !== 0) return;
      hits++;
      return action === 'drop' ? 'drop' : [frame.bytes, frame.bytes];
    },
  };
  return { fault, hits: () => hits };
}

async function runThrough(broker: StartedBroker, action: 'drop' | 'duplicate'): Promise<{ r: BenchmarkResult; hits: number }> {
  const { fault, hits } = everyHundredthPublish(action);
  const plain = broker.listeners.plain!;
  const proxy = await startFaultProxy({ upstreamHost: plain.host, upstreamPort: plain.port, fault });
  try {
    const r = await runScenario({ ...broker, listeners: { plain: { ...plain, host: proxy.host, port: proxy.port } } }, scenario, { runId: `loss-${action}` });
    process.stderr.write(`${action} every ${EVERY}th: sent ${r.sent}, relay ${action === 'drop' ? 'dropped' : 'duplicated'} ${hits()}, received ${r.received}, lost ${r.loss?.lost}, lossRate ${r.loss?.lossRate}, dup ${r.loss?.duplicates}, reordered ${r.loss?.reordered}${r.error ? `, error ${r.error}` : ''}\n`);
    return { r, hits: hits() };
  } finally {
    await proxy.close();
  }
}

describe('loss accounting', () => {
  it('a relay dropping 1% of PUBLISHes shows as exactly that loss and no duplicates; one duplicating 1% as exactly that many duplicates and no loss; direct: neither', { timeout: 90_000 }, async (ctx) => {
    needBinary(ctx, 'mosquitto');
    const { broker, stop } = await startLocalMosquitto('bench-loss');
    try {
      const dropped = await runThrough(broker, 'drop');
      expect(dropped.r.error).toBeUndefined();
      expect(dropped.r.sent).toBe(SENT);
      expect(dropped.hits).toBe(SENT / EVERY);
      expect(dropped.r.loss).toEqual({ lost: SENT / EVERY, duplicates: 0, reordered: 0, lossRate: 1 / EVERY });

      const duplicated = await runThrough(broker, 'duplicate');
      expect(duplicated.r.error).toBeUndefined();
      expect(duplicated.r.sent).toBe(SENT);
      expect(duplicated.hits).toBe(SENT / EVERY);
      expect(duplicated.r.loss).toEqual({ lost: 0, duplicates: SENT / EVERY, reordered: 0, lossRate: 0 });

      const direct = await runScenario(broker, scenario, { runId: 'loss-direct' });
      expect(direct.error).toBeUndefined();
      expect(direct.sent).toBe(SENT);
      expect(direct.loss).toEqual({ lost: 0, duplicates: 0, reordered: 0, lossRate: 0 });
    } finally {
      await stop();
    }
  });
});
