import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ResultsDocument } from '../../results/types.ts';
import { ROOT } from '../../core/paths.ts';
import { classify, compareTests, pairBenchmarks } from './compare-model.ts';
import { delta } from './format.ts';

const load = (name: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures', name), 'utf8')) as ResultsDocument;

describe('comparison model', () => {
  test('classifies status changes', () => {
    expect(classify('passed', 'failed')).toBe('regressed');
    expect(classify('expected-failure', 'error')).toBe('regressed');
    expect(classify('failed', 'passed')).toBe('fixed');
    expect(classify('error', 'expected-failure')).toBe('fixed');
    expect(classify('passed', 'not-applicable')).toBe('changed');
    expect(classify('failed', 'error')).toBe('changed');
    expect(classify(undefined, 'passed')).toBe('new');
    expect(classify('passed', undefined)).toBe('removed');
    expect(classify('passed', 'passed')).toBeUndefined();
  });

  test('finds the one regression between the fixture runs and pairs benchmarks per target and variant', () => {
    const a = load('results-baseline.json');
    const b = load('results-full.json');
    const { changes, unchanged } = compareTests(a, b);
    expect(changes.map((c) => [c.kind, c.target, c.before, c.after])).toEqual([['regressed', 'aedes', 'passed', 'failed']]);
    expect(unchanged).toBe(b.tests.length - 1);
    const pairs = pairBenchmarks(a, b);
    expect(pairs).toHaveLength(b.benchmarks!.length);
    expect(pairs.every((p) => p.a && p.b && p.a.target === p.b.target && p.a.scenario === p.b.scenario)).toBe(true);
  });

  test('delta names the direction by which way is better; under 2% is noise', () => {
    expect(delta(100, 112, true)).toEqual({ pct: 12, direction: 'better' });
    expect(delta(100, 112, false)).toEqual({ pct: 12, direction: 'worse' });
    expect(delta(100, 90, false).direction).toBe('better');
    expect(delta(100, 101.5, true).direction).toBe('same');
    expect(delta(0, 0, true)).toEqual({ pct: 0, direction: 'same' });
    expect(delta(0, 5, false).direction).toBe('worse');
    expect(delta(undefined, 5, true).direction).toBe('n/a');
    expect(delta(5, Number.NaN, true).direction).toBe('n/a');
  });
});
