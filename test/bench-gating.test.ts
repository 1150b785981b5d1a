// Gating proofs through the real CLI: a thresholds file with an unknown metric or a bad operator is
// rejected before any broker starts (exit 2, one line naming the entry); a baseline the run falls
// short of exits 3 with both figures in results.json, and one it meets exits 0.
// Uses embedded aedes (no binaries needed).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runHarness as runCli } from './support/run-harness.ts';
import { validateResults } from '../lib/results/validate-results.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-gating-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Report directories go inside this test's temp dir, removed afterwards. */
const runHarness = (args: string[]) => runCli(args, { reportDir: fs.mkdtempSync(path.join(dir, 'reports-')) });

function file(name: string, content: unknown): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, JSON.stringify(content));
  return p;
}

const quick = ['--target', 'aedes', '--suite', 'bench', '--scenario', 'throughput-1to1.qos0', '--duration', '1'];

function baselineDoc(msgsPerSec: number) {
  return { benchmarks: [{ scenario: 'throughput-1to1.qos0', target: 'aedes', kind: 'throughput', msgsPerSec }] };
}

describe('benchmark gating', () => {
  it('rejects a threshold with an unknown metric before the run (exit 2)', async () => {
    const r = await runHarness([...quick, '--thresholds', file('unknown.json', { '*': ['msgPerSec >= 1'] })]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"\*"\[0\] "msgPerSec >= 1": unknown metric "msgPerSec"/);
    expect(r.stderr).not.toMatch(/starting aedes/);
    expect(r.results).toBeUndefined();
  });

  it('rejects a threshold with a bad operator before the run (exit 2)', async () => {
    const r = await runHarness([...quick, '--thresholds', file('op.json', { 'throughput-1to1.qos0': ['p99Ms =< 5'] })]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/operator "=<"/);
    expect(r.stderr).not.toMatch(/starting aedes/);
  });

  it('exits 3 on a baseline regression and 0 against a baseline it meets', { timeout: 120_000 }, async () => {
    const slow = await runHarness([...quick, '--baseline', file('high.json', baselineDoc(1e9))]);
    expect(slow.code, slow.stderr).toBe(3);
    const b = slow.results!.benchmarks!.find((x) => x.scenario === 'throughput-1to1.qos0')!;
    expect(b.msgsPerSec).toBeGreaterThan(0);
    expect(b.baseline).toMatchObject({ msgsPerSec: 1e9, regression: true });
    expect(slow.stdout).toMatch(/REGRESSION\s+aedes: throughput \d+ msgs\/s vs baseline 1000000000/);
    // The benchmarks section, baseline verdict included, is part of the results schema.
    expect(validateResults(slow.results)).toEqual([]);
    expect(validateResults({ ...slow.results, benchmarks: [{ ...b, msgsPerSec: 'fast' }] })).toEqual(['/benchmarks/0/msgsPerSec must be number']);

    const fine = await runHarness([...quick, '--baseline', file('low.json', baselineDoc(1))]);
    expect(fine.code, fine.stderr).toBe(0);
    expect(fine.results!.benchmarks![0]!.baseline).toMatchObject({ regression: false });
  });

  it('exits 3 on a breached threshold', { timeout: 120_000 }, async () => {
    const r = await runHarness([...quick, '--thresholds', file('breach.json', { 'throughput-1to1.qos0': ['msgsPerSec >= 1000000000'] })]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.results!.benchmarks![0]!.thresholds).toEqual([expect.objectContaining({ verdict: 'failed' })]);
  });
});
