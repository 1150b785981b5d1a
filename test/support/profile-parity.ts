// Parity between a managed run (--driver local) and the same kind of broker run through --profile:
// every test, keyed by stable key and protocol, must end with the same status.
import { expect, test, onTestFinished } from 'vitest';
import type { TargetDescriptor } from '../../lib/core/broker.ts';
import type { ResultsDocument } from '../../lib/results/types.ts';
import { runHarness } from './run-harness.ts';
import { needBinary } from './requirements.ts';
import { startProfiledBroker } from './profile-of-broker.ts';

/** "key|protocol: local → profile" for every test whose status differs (or that only one run has). */
export function statusDifferences(local: ResultsDocument, profile: ResultsDocument): string[] {
  const byKey = (d: ResultsDocument) => new Map(d.tests.map((t) => [`${t.key}|${t.protocol ?? '-'}`, t]));
  const a = byKey(local);
  const b = byKey(profile);
  // The reason of whichever side did not pass, so a CI log says why without the results files.
  const why = (k: string) => [a.get(k), b.get(k)].map((t) => t?.status !== 'passed' && t?.detail?.reason).find(Boolean);
  return [...new Set([...a.keys(), ...b.keys()])]
    .filter((k) => a.get(k)?.status !== b.get(k)?.status)
    .map((k) => `${k}: ${a.get(k)?.status ?? 'absent'} → ${b.get(k)?.status ?? 'absent'}${why(k) ? ` (${String(why(k)).split('\n')[0]})` : ''}`);
}

/**
 * One parity test over every default suite (smoke, tls, auth, conformance). The two runs are
 * sequential: timing tests must not compete with each other for the CPU. About 1 min per run on an
 * idle machine; the generous timeouts are for a loaded one.
 */
export function parityTest(target: TargetDescriptor, binary?: string): void {
  test(`${target.name}: --profile and --driver local give every test the same status`, async (ctx) => {
    if (binary) needBinary(ctx, binary);
    const local = await runHarness(['--target', target.name, '--driver', 'local'], { timeoutMs: 240_000 });
    expect(local.results, local.stderr).toBeDefined();
    const profiled = await startProfiledBroker(target, 'local');
    onTestFinished(() => profiled.stop());
    const external = await runHarness(['--profile', profiled.profileFile], { timeoutMs: 240_000 });
    expect(external.results, external.stderr).toBeDefined();
    expect(external.results!.targets[0]).toMatchObject({ name: target.name, driver: 'external' });
    expect(statusDifferences(local.results!, external.results!)).toEqual([]);
    // A correct broker gets no failures through its profile either (and it ran the same tests).
    expect(external.results!.tests.filter((t) => t.status === 'failed' || t.status === 'error').map((t) => t.key)).toEqual([]);
    expect(external.results!.tests.length).toBe(local.results!.tests.length);
  }, 500_000);
}
