// The one way a suite registers a test: with its stable key (docs/test-keys.md) and the statement
// ids it checks, both as task metadata. The name is shown to people; the key is what results,
// expectations, findings and baselines point at. The conformance DSL builds on this.
//
// It also guards against a false pass: a test that completes without a single check (no assertion,
// no behaviour judgement) has exercised nothing, so it must not be recorded `passed`. It ends
// `error` (CheckedNothingError): silence is a defect of the test, not a property of the broker. A
// test that finds nothing to check on a broker says so with notApplicable(ctx, reason).
import { expect as globalExpect, inject, test, type TestContext } from 'vitest';
import { KEY_FORM, keyFormProblem } from '../../lib/core/test-key.ts';

export { KEY_FORM };

export interface KeyedTestOptions {
  /** Normative statement ids the test checks (MQTT-x.y.z-n); section references stay in the name. */
  spec?: string[];
  timeoutMs?: number;
}

export function assertKey(key: string): void {
  const problem = keyFormProblem(key);
  if (problem) throw new Error(`test ${problem}`);
}

/** The test completed without checking anything; the runner records it as `error`, never `passed`. */
export class CheckedNothingError extends Error {
  override name = 'CheckedNothingError';
}

export const CHECKED_NOTHING =
  'checked nothing: the test completed without an assertion or a behaviour judgement, so it exercised no statement; ' +
  'a test that cannot check its statement on this broker must end with notApplicable(ctx, reason)';

interface CheckCounts { judged: number; discounted: number }
const counts = new WeakMap<object, CheckCounts>();
const countsOf = (ctx: TestContext): CheckCounts => {
  let c = counts.get(ctx.task);
  if (!c) counts.set(ctx.task, (c = { judged: 0, discounted: 0 }));
  return c;
};

/** A check the DSL made itself (e.g. env.behaviour judging an allowed behaviour): counts as checked. */
export function recordCheck(ctx: TestContext): void {
  countsOf(ctx).judged++;
}

/**
 * Assertions made only to establish a precondition (e.g. "the CONNACK accepted the connection") do
 * not count as checks of the statement: every test connects, so counting them would make the guard
 * pass tests that stopped right after connecting.
 */
export function precondition<T>(ctx: TestContext, fn: () => T): T {
  const before = assertionCalls(ctx);
  try {
    return fn();
  } finally {
    countsOf(ctx).discounted += assertionCalls(ctx) - before;
  }
}

/**
 * Assertions made by this test: ctx.expect is per test; the imported `expect` shares one state per
 * worker, reset before each test, so it is only attributable to a test that does not run concurrently
 * (concurrent tests use ctx.expect — docs/conformance.md).
 */
function assertionCalls(ctx: TestContext): number {
  const own = ctx.expect.getState().assertionCalls;
  return ctx.task.concurrent ? own : own + globalExpect.getState().assertionCalls;
}

/** How many checks the running test has made (assertions + DSL judgements − preconditions). */
export function checksMade(ctx: TestContext): number {
  const c = countsOf(ctx);
  return assertionCalls(ctx) + c.judged - c.discounted;
}

/** Throws CheckedNothingError when the test made no check; called when the body completed normally. */
export function assertChecked(ctx: TestContext): void {
  if (checksMade(ctx) <= 0) throw new CheckedNothingError(CHECKED_NOTHING);
}

function selectedKeys(): string[] | undefined {
  try {
    return inject('harness')?.keys;
  } catch {
    return undefined; // collected outside a harness run (the test registry)
  }
}

export function keyedTest(key: string, name: string, options: KeyedTestOptions, fn: (ctx: TestContext) => Promise<void> | void): void {
  assertKey(key);
  const spec = (options.spec ?? []).filter((i) => i.startsWith('MQTT-'));
  // --key: a test whose key was not asked for is registered skipped, so it is "not selected".
  const only = selectedKeys();
  (only && !only.includes(key) ? test.skip : test)(name, { meta: { key, spec }, ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}) }, async (ctx) => {
    // notApplicable / ctx.skip and failures throw out of fn, so only a normal completion is judged.
    await fn(ctx);
    assertChecked(ctx);
  });
}
