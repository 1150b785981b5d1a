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

  test('a v1 run compared with a v2 run pairs tests through the ids the v2 run records with its keys', () => {
    const a = load('results-baseline.json');
    const b = load('results-full-v2.json');
    expect(a.schemaVersion).toBe(1);
    const { changes, unchanged } = compareTests(a, b);
    expect(changes.map((c) => [c.kind, c.target, c.key, c.before, c.after])).toEqual([
      ['regressed', 'aedes', 'connect.mqtt-3-1-0-2-second-connect-is-a-protocol-violat', 'passed', 'failed'],
    ]);
    expect(unchanged).toBe(b.tests.length - 1);
    // The other way round too: a v2 reference and a v1 candidate.
    expect(compareTests(b, a).changes.map((c) => [c.kind, c.before, c.after])).toEqual([['fixed', 'failed', 'passed']]);
  });

  test('two v1 runs compare by id (their key); two v2 runs by key, so a reworded title is the same test', () => {
    expect(compareTests(load('results-full.json'), load('results-full.json')).changes).toEqual([]);
    const b = load('results-full-v2.json');
    const reworded = { ...b, tests: b.tests.map((t) => ({ ...t, title: `${t.title} (reworded)`, id: `${t.id} (reworded)` })) };
    expect(compareTests(b, reworded)).toEqual({ changes: [], unchanged: b.tests.length });
    const rekeyed = { ...b, tests: b.tests.map((t, i) => (i === 0 ? { ...t, key: 'round-trip.renamed' } : t)) };
    expect(compareTests(b, rekeyed).changes.map((c) => [c.kind, c.key])).toEqual([['new', 'round-trip.renamed'], ['removed', b.tests[0]!.key]]);
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
