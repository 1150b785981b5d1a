// Unit test of the "checked nothing" guard in the one registration primitive
// (suites/support/keyed-test.ts): a test that completes without an assertion or a DSL judgement is
// not a pass. Each case reads the guard before making its own assertions, which would count.
import { describe, expect, test } from 'vitest';
import { assertChecked, checksMade, CheckedNothingError, precondition, recordCheck } from '../suites/support/keyed-test.ts';

const guard = (ctx: Parameters<typeof assertChecked>[0]) => {
  try { assertChecked(ctx); return undefined; } catch (e) { return e; }
};

describe('checked-nothing guard', () => {
  test('a test without any check is refused with CheckedNothingError', (ctx) => {
    const err = guard(ctx);
    expect(err).toBeInstanceOf(CheckedNothingError);
    expect((err as Error).name).toBe('CheckedNothingError');
    expect((err as Error).message).toMatch(/^checked nothing: .*notApplicable\(ctx, reason\)/);
  });

  test('an assertion through ctx.expect counts', (ctx) => {
    ctx.expect(1).toBe(1);
    const err = guard(ctx);
    expect(err).toBeUndefined();
  });

  test('an assertion through the imported expect counts in a sequential test', (ctx) => {
    expect(2).toBe(2);
    const made = checksMade(ctx);
    expect(made).toBe(1);
  });

  test('a DSL judgement (env.behaviour, env.measure) counts', (ctx) => {
    recordCheck(ctx);
    const err = guard(ctx);
    expect(err).toBeUndefined();
  });

  test('a precondition assertion (the CONNACK accepted) does not count', (ctx) => {
    precondition(ctx, () => ctx.expect(0, 'CONNACK return code').toBe(0));
    const err = guard(ctx);
    expect(err).toBeInstanceOf(CheckedNothingError);
  });

  test.concurrent('in a concurrent test only ctx.expect counts (the imported expect is shared)', (ctx) => {
    expect(3).toBe(3);
    const before = checksMade(ctx);
    ctx.expect(before).toBe(0);
    const after = checksMade(ctx);
    ctx.expect(after).toBe(1);
  });
});
