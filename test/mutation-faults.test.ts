// The mutation self-test: every named fault in lib/faults/catalogue.ts, injected by the proxy in
// front of a correct broker (local Mosquitto), must make the tests of the statements it names fail,
// and those same tests must pass without the fault. Prints the mutation score.
// The baseline and each fault are their own test with their own harness run and timeout, so one
// fault that hangs or breaks cannot hide the others; the score is printed from the runs that finished.
// Needs: the mosquitto binary (apt-get install -y mosquitto).
import fs from 'node:fs';
import { afterAll, describe, test, expect } from 'vitest';
import { FAULTS as CATALOGUE } from '../lib/faults/catalogue.ts';
import type { ResultsDocument, TestResult } from '../lib/results/types.ts';
import { needBinary } from './support/requirements.ts';
import { runHarness, tempReportDir, type HarnessRun } from './support/run-harness.ts';
import { recordMutationScore } from './support/mutation-score.ts';
import { boundedConcurrency } from './support/bounded-concurrency.ts';

// The MQTT 5.0 faults have their own self-test (test/mutation-v5.test.ts, --protocol 5).
const FAULTS = CATALOGUE.filter((f) => f.protocol === undefined);

const BASE_ARGS = ['--target', 'mosquitto', '--driver', 'local', '--suite', 'conformance', '--protocol', '3.1.1'];
/** Harness runs at once (as before the split); each run is bounded by RUN_TIMEOUT_MS. */
const slot = boundedConcurrency(3);
const RUN_TIMEOUT_MS = 180_000;
/** vitest's bound on one test: its own run plus the wait for a slot (vitest starts at most 5 at once). */
const TEST_TIMEOUT_MS = 3 * RUN_TIMEOUT_MS;
const failedStatuses: TestResult['status'][] = ['failed', 'error'];

function testsFor(doc: ResultsDocument | undefined, id: string): TestResult[] {
  // A test with an expectation entry is a known Mosquitto deviation (e.g. the 3.1.1 overlap
  // arrangements, MQTT-3.3.5-1): it fails without a fault too, so it can catch nothing.
  return doc?.tests.filter((t) => t.spec.includes(id) && !t.detail?.expectation) ?? [];
}

/** Runs the CLI into a private report directory that is removed afterwards, also on a timeout. */
async function runInTemp(args: string[]): Promise<HarnessRun> {
  const reportDir = tempReportDir();
  try {
    return await slot(() => runHarness(args, { timeoutMs: RUN_TIMEOUT_MS, reportDir }));
  } finally {
    fs.rmSync(reportDir, { recursive: true, force: true });
  }
}

/** Per fault that finished its run: the statement ids whose tests did not fail (empty = caught). */
const missedByFault = new Map<string, string[]>();

describe.concurrent('mutation self-test (fault proxy in front of local Mosquitto)', () => {
  afterAll(() => {
    if (!missedByFault.size) return; // no run finished (mosquitto missing): no score to state
    // Same score as before the split: a fault counts as caught only if its run finished and caught it.
    const caught = FAULTS.filter((f) => missedByFault.get(f.name)?.length === 0).length;
    const unfinished = FAULTS.length - missedByFault.size;
    process.stdout.write(`\nmutation score: ${caught}/${FAULTS.length} faults caught (${Math.round((caught / FAULTS.length) * 100)}%)` +
      `${unfinished ? `; ${unfinished} fault run(s) did not finish or wrote no results, counted as missed` : ''}\n`);
    process.stdout.write(`${recordMutationScore({ protocol: '3.1.1', caught, injected: FAULTS.length })}\n`);
    for (const f of FAULTS) {
      const missed = missedByFault.get(f.name);
      const verdict = missed === undefined ? 'NO RUN' : missed.length ? 'MISSED' : 'caught';
      process.stdout.write(`  ${verdict}  ${f.name}${missed?.length ? `  (no failing test for ${missed.join(', ')})` : ''}\n`);
    }
  });

  test('baseline: the conformance suite passes against Mosquitto without a fault', async (ctx) => {
    needBinary(ctx, 'mosquitto');
    const baseline = await runInTemp(BASE_ARGS);
    ctx.expect(baseline.code, baseline.stdout.slice(-2000)).toBe(0);
    for (const fault of FAULTS) {
      for (const id of fault.caughtBy) {
        const tests = testsFor(baseline.results, id);
        ctx.expect(tests.length, `tests for ${id} (named by fault ${fault.name})`).toBeGreaterThan(0);
        for (const t of tests) ctx.expect(t.status, `${t.id} without a fault`).toBe('passed');
      }
    }
  }, TEST_TIMEOUT_MS);

  test('at least 25 faults are catalogued', () => {
    expect(FAULTS.length).toBeGreaterThanOrEqual(25);
  });

  for (const fault of FAULTS) {
    test(`fault ${fault.name} is caught by the tests of ${fault.caughtBy.join(', ')}`, async (ctx) => {
      needBinary(ctx, 'mosquitto');
      // Only the tests of the named statements need to run; the filter is a substring match, so a
      // few neighbours (e.g. MQTT-3.1.2-24 for MQTT-3.1.2-2) run too and are ignored below.
      const run = await runInTemp([...BASE_ARGS, '--fault', fault.name, ...fault.caughtBy]);
      ctx.expect(run.results, `no results.json (exit ${run.code}): ${run.stderr.slice(-400)}`).toBeDefined();
      const missed = fault.caughtBy.filter((id) => !testsFor(run.results, id).some((t) => failedStatuses.includes(t.status)));
      missedByFault.set(fault.name, missed);
      ctx.expect(missed, `${fault.description}: statements whose tests still passed`).toEqual([]);
    }, TEST_TIMEOUT_MS);
  }
});
