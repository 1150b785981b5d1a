// The mutation self-test: every named fault in lib/faults/catalogue.ts, injected by the proxy in
// front of a correct broker (local Mosquitto), must make the tests of the statements it names fail,
// and those same tests must pass without the fault. Prints the mutation score.
// Needs: the mosquitto binary (apt-get install -y mosquitto).
import fs from 'node:fs';
import { describe, test, beforeAll, expect } from 'vitest';
import { FAULTS } from '../lib/faults/catalogue.ts';
import type { ResultsDocument, TestResult } from '../lib/results/types.ts';
import { findBinary } from '../lib/drivers/resolve-driver.ts';
import { needBinary } from './support/requirements.ts';
import { runHarness, tempReportDir, type HarnessRun } from './support/run-harness.ts';

const BASE_ARGS = ['--target', 'mosquitto', '--driver', 'local', '--suite', 'conformance', '--protocol', '3.1.1'];
const PARALLEL_RUNS = 3;
const failedStatuses: TestResult['status'][] = ['failed', 'error'];

interface FaultOutcome {
  run?: HarnessRun;
  /** Statement ids named by the fault whose tests did not fail. */
  missed: string[];
  problem?: string;
}

function testsFor(doc: ResultsDocument | undefined, id: string): TestResult[] {
  return doc?.tests.filter((t) => t.spec.includes(id)) ?? [];
}

async function pool<T, R>(items: readonly T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  }));
  return out;
}

/** Runs the CLI into a private report directory that is removed afterwards, also on a timeout. */
async function runInTemp(args: string[]): Promise<HarnessRun> {
  const reportDir = tempReportDir();
  try {
    return await runHarness(args, { timeoutMs: 180_000, reportDir });
  } finally {
    fs.rmSync(reportDir, { recursive: true, force: true });
  }
}

let baseline: HarnessRun | undefined;
const outcomes = new Map<string, FaultOutcome>();
const haveMosquitto = Boolean(findBinary('mosquitto'));

describe.sequential('mutation self-test (fault proxy in front of local Mosquitto)', () => {
  beforeAll(async () => {
    if (!haveMosquitto) return;
    baseline = await runInTemp(BASE_ARGS);
    await pool(FAULTS, PARALLEL_RUNS, async (fault) => {
      // Only the tests of the named statements need to run; the filter is a substring match, so a
      // few neighbours (e.g. MQTT-3.1.2-24 for MQTT-3.1.2-2) run too and are ignored below.
      const run = await runInTemp([...BASE_ARGS, '--fault', fault.name, ...fault.caughtBy]);
      const missed = fault.caughtBy.filter((id) => !testsFor(run.results, id).some((t) => failedStatuses.includes(t.status)));
      outcomes.set(fault.name, { run, missed, ...(run.results ? {} : { problem: `no results.json (exit ${run.code}): ${run.stderr.slice(-400)}` }) });
    });
    const caught = FAULTS.filter((f) => !outcomes.get(f.name)?.missed.length && !outcomes.get(f.name)?.problem).length;
    process.stdout.write(`\nmutation score: ${caught}/${FAULTS.length} faults caught (${Math.round((caught / FAULTS.length) * 100)}%)\n`);
    for (const f of FAULTS) {
      const o = outcomes.get(f.name)!;
      process.stdout.write(`  ${o.missed.length || o.problem ? 'MISSED' : 'caught'}  ${f.name}${o.missed.length ? `  (no failing test for ${o.missed.join(', ')})` : ''}\n`);
    }
  }, 900_000);

  test('baseline: the conformance suite passes against Mosquitto without a fault', (ctx) => {
    needBinary(ctx, 'mosquitto');
    expect(baseline?.code, baseline?.stdout.slice(-2000)).toBe(0);
    for (const fault of FAULTS) {
      for (const id of fault.caughtBy) {
        const tests = testsFor(baseline?.results, id);
        expect(tests.length, `tests for ${id} (named by fault ${fault.name})`).toBeGreaterThan(0);
        for (const t of tests) expect(t.status, `${t.id} without a fault`).toBe('passed');
      }
    }
  });

  test('at least 25 faults are catalogued', () => {
    expect(FAULTS.length).toBeGreaterThanOrEqual(25);
  });

  for (const fault of FAULTS) {
    test(`fault ${fault.name} is caught by the tests of ${fault.caughtBy.join(', ')}`, (ctx) => {
      needBinary(ctx, 'mosquitto');
      const o = outcomes.get(fault.name);
      expect(o?.problem).toBeUndefined();
      expect(o?.missed, `${fault.description}: statements whose tests still passed`).toEqual([]);
    });
  }
});
