// Differential fuzzing (docs/fuzz.md) proved on brokers whose difference is known: two in-process
// aedes brokers get the same seeded, unguided inputs and must show no difference on an input that
// allows one answer; the same inputs through a fault proxy that repairs CONNECT fixed-header flags
// (`accept-connect-header-flags`: the broker then accepts what it must close, MQTT-2.2.2-2) must show
// that difference, with the statement, against the faulted target alone. In process, no binary needed.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startAedesBroker, type RunningAedes } from '../lib/targets/aedes-broker.ts';
import { startFaultProxy, type StartedFaultProxy } from '../lib/faults/fault-proxy.ts';
import { findFault } from '../lib/faults/catalogue.ts';
import { runFuzz } from '../lib/fuzz/fuzz-engine.ts';
import { compareDifferential } from '../lib/fuzz/fuzz-differential.ts';
import type { DifferentialFile } from '../lib/core/fuzz-record.ts';

const SEED = 3;
let a: RunningAedes | undefined;
let b: RunningAedes | undefined;
let proxy: StartedFaultProxy | undefined;

beforeAll(async () => {
  a = await startAedesBroker({});
  b = await startAedesBroker({});
  proxy = await startFaultProxy({ upstreamHost: '127.0.0.1', upstreamPort: b.ports.plain!, fault: findFault('accept-connect-header-flags')! });
});
afterAll(async () => {
  await proxy?.close();
  await a?.close();
  await b?.close();
});

/** One target's differential run: 2,500 fuzzed packets at most (about 375 sessions; 7 of their CONNECTs carry bad fixed-header flags). */
async function answersOf(target: string, host: string, port: number): Promise<DifferentialFile> {
  const report = await runFuzz({
    endpoint: { host, port }, isAlive: () => true, seed: SEED, budgetMs: 40_000, maxIterations: 2500, differential: true,
    // Wide bounds for a loaded machine: a slow answer must not look like a different one.
    answerMs: 2000, canaryTimeoutMs: 5000,
  });
  console.log(`${target}: ${report.iterations} packets in ${report.sessions} sessions, ${(report.elapsedMs / 1000).toFixed(1)} s, stopped by ${report.stoppedBy}`);
  expect(report.findings.filter((f) => f.kind !== 'forbidden-response')).toEqual([]);
  return { target, seed: SEED, runs: { '3.1.1': report.answers! } };
}

describe('differential fuzzing', () => {
  test('two identical brokers differ on no one-answer input; a broker that accepts bad CONNECT flags is named with MQTT-2.2.2-2', async () => {
    const plain = await answersOf('aedes-a', '127.0.0.1', a!.ports.plain!);
    const twin = await answersOf('aedes-b', '127.0.0.1', b!.ports.plain!);
    const faulted = await answersOf('aedes-b-faulted', proxy!.host, proxy!.port);

    const [same] = compareDifferential([plain, twin]);
    console.log(`identical: ${same!.compared} compared, ${same!.oneAnswer} one-answer, ${same!.findings.length} findings, informational ${JSON.stringify(same!.informational.map((x) => [x.reason, x.count]))}`);
    expect(same!.compared).toBeGreaterThan(200);
    expect(same!.oneAnswer).toBeGreaterThan(10);
    expect(same!.findings).toEqual([]);

    const [diff] = compareDifferential([plain, faulted]);
    console.log(`faulted: ${diff!.findings.length} findings: ${diff!.findings.slice(0, 3).map((f) => `${f.statement} input ${f.input} ${JSON.stringify(f.answers)}`).join('; ')}`);
    const flags = diff!.findings.filter((f) => f.statement === 'MQTT-2.2.2-2');
    expect(flags.length).toBeGreaterThan(0);
    for (const f of flags) expect(f.answers).toEqual({ 'aedes-a': 'closed', 'aedes-b-faulted': 'accepted' });
    // Only the faulted target deviates. Beside the planted fault aedes' own acceptance of an encoded
    // surrogate in a client id (MQTT-1.5.3-1) may show: the proxy forwards each packet as its own
    // write, while directly a malformed packet later in the same segment makes aedes close first.
    for (const f of diff!.findings) expect(f.deviating).toEqual(['aedes-b-faulted']);
  }, 150_000);
});
