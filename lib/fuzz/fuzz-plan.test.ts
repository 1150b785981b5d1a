import { describe, expect, it } from 'vitest';
import { buildFuzzPlan } from './fuzz-plan.ts';

describe('buildFuzzPlan', () => {
  it('reads times with units and plain seconds', () => {
    expect(buildFuzzPlan({ 'fuzz-budget': '60s', 'fuzz-seed': '7', 'fuzz-iterations': '100' })).toEqual({ budgetMs: 60_000, seed: 7, maxIterations: 100 });
    expect(buildFuzzPlan({ 'fuzz-budget': '2m' }).budgetMs).toBe(120_000);
    expect(buildFuzzPlan({ 'fuzz-budget': '1500ms' }).budgetMs).toBe(1500);
    expect(buildFuzzPlan({ 'fuzz-budget': '5' }).budgetMs).toBe(5000);
  });

  it.each([
    ['fuzz-budget', 'abc', /--fuzz-budget "abc" is not allowed; use a time from 1s to 60m, e\.g\. --fuzz-budget 60s/],
    ['fuzz-budget', '0s', /--fuzz-budget "0s"/],
    ['fuzz-seed', '-1', /--fuzz-seed "-1" is not allowed; use a whole number/],
    ['fuzz-iterations', '1.5', /--fuzz-iterations "1.5" is not allowed/],
  ])('--%s %s is refused naming the flag and the fix', (flag, value, message) => {
    expect(() => buildFuzzPlan({ [flag]: value })).toThrow(message);
  });
});
