// The CI variant of connections-18k (docs/benchmarks.md, "Connection scale"): 5,000 idle connections to
// a local Mosquitto, held for the scenario's duration. Checks that every one was still open at the end
// of the hold and that the generator's memory per idle connection stays within 8 KiB (process RSS growth
// while the connections were opened). The 18k run itself is a benchmark, not a test.
// Needs: mosquitto (apt).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { needBinary } from './support/requirements.ts';
import { startLocalMosquitto } from './support/local-mosquitto.ts';
import { runScenario } from '../lib/load/scenario-runner.ts';
import { loadScenarios } from '../lib/load/scenario.ts';
import { raiseFileLimit } from '../lib/core/file-limit.ts';
import { ROOT } from '../lib/core/paths.ts';

const GENERATOR_BYTES_PER_CONNECTION_MAX = 8 * 1024;

describe('connection scale', () => {
  it('connections-5k: all 5,000 held, generator memory ≤ 8 KiB per connection', { timeout: 180_000 }, async (ctx) => {
    needBinary(ctx, 'mosquitto');
    // 5,000 descriptors here and as many in the broker (which inherits this limit; the driver raises its own too).
    const { limit } = raiseFileLimit('self');
    expect(limit?.soft ?? Infinity, 'open-file limit of this process (ulimit -n) too low for 5,000 connections').toBeGreaterThanOrEqual(5000 + 256);
    const scenario = loadScenarios(path.join(ROOT, 'suites/bench')).find((s) => s.name === 'connections-5k')!;
    const { broker, stop } = await startLocalMosquitto('conn5k');
    try {
      const r = await runScenario(broker, scenario, { runId: 'conn5k' });
      const x = r.extra ?? {};
      process.stderr.write(`connections-5k: held ${x.connectionsHeld}, ${x.connectionsPerSec} conn/s, connect→CONNACK p50 ${r.latency?.p50Ms} ms p99 ${r.latency?.p99Ms} ms, broker ${x.bytesPerConnection} B/conn, generator ${x.generatorBytesPerConnection} B/conn (bound ${GENERATOR_BYTES_PER_CONNECTION_MAX})\n`);
      expect(r.error).toBeUndefined();
      expect(x.connectionsHeld).toBe(5000);
      expect(x.generatorBytesPerConnection).toBeGreaterThan(0);
      expect(x.generatorBytesPerConnection).toBeLessThanOrEqual(GENERATOR_BYTES_PER_CONNECTION_MAX);
      expect(r.latency?.count).toBe(5000);
    } finally {
      await stop();
    }
  });
});
