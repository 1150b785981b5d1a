import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ResultsDocument } from '../../results/types.ts';
import { ROOT } from '../../core/paths.ts';
import { pairBenchmarks } from './compare-model.ts';
import { upgradePair, type AnyResultsDocument } from '../../results/upgrade-results.ts';
import { versionDiffsBetweenRuns } from '../../results/version-diff.ts';
import { delta } from './format.ts';

const load = (name: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures', name), 'utf8')) as ResultsDocument;

// The comparison page's pairing: the version diff of two runs (unit tests of the classification in
// lib/results/version-diff.test.ts), here over the fixture documents of every schema version.
const changes = (a: AnyResultsDocument, b: AnyResultsDocument) => {
  const diffs = versionDiffsBetweenRuns(...upgradePair(a, b)).diffs;
  return {
    changes: diffs.flatMap((d) => d.tests.filter((t) => t.kind !== 'unchanged').map((t) => ({ ...t, target: d.new.label }))),
    unchanged: diffs.reduce((n, d) => n + d.counts.unchanged, 0),
  };
};

describe('comparison model', () => {
  test('finds the one regression between the fixture runs and pairs benchmarks per target and variant', () => {
    const a = load('results-baseline.json');
    const b = load('results-full.json');
    const c = changes(a, b);
    expect(c.changes.map((x) => [x.kind, x.target, x.old, x.new])).toEqual([['regressed', 'aedes', 'passed', 'failed']]);
    expect(c.unchanged).toBe(b.tests.length - 1);
    const pairs = pairBenchmarks(a, b);
    expect(pairs).toHaveLength(b.benchmarks!.length);
    expect(pairs.every((p) => p.a && p.b && p.a.target === p.b.target && p.a.scenario === p.b.scenario)).toBe(true);
  });

  test('a v1 run compared with a v2 run pairs tests through the ids the v2 run records with its keys', () => {
    const a = load('results-baseline.json') as AnyResultsDocument;
    const b = load('results-full-v2.json');
    expect(a.schemaVersion).toBe(1);
    const c = changes(a, b);
    expect(c.changes.map((x) => [x.kind, x.target, x.key, x.old, x.new])).toEqual([
      ['regressed', 'aedes', 'connect.mqtt-3-1-0-2-second-connect-is-a-protocol-violat', 'passed', 'failed'],
    ]);
    expect(c.unchanged).toBe(b.tests.length - 1);
    // The other way round too: a v2 reference and a v1 candidate.
    expect(changes(b, a).changes.map((x) => [x.kind, x.old, x.new])).toEqual([['fixed', 'failed', 'passed']]);
  });

  test('two v1 runs compare by id (their key); two v2 runs by key, so a reworded title is the same test', () => {
    expect(changes(load('results-full.json'), load('results-full.json')).changes).toEqual([]);
    const b = load('results-full-v2.json');
    const reworded = { ...b, tests: b.tests.map((t) => ({ ...t, title: `${t.title} (reworded)`, id: `${t.id} (reworded)` })) };
    expect(changes(b, reworded)).toEqual({ changes: [], unchanged: b.tests.length });
    const rekeyed = { ...b, tests: b.tests.map((t, i) => (i === 0 ? { ...t, key: 'round-trip.renamed' } : t)) };
    expect(changes(b, rekeyed).changes.map((x) => [x.kind, x.key])).toEqual([['added', 'round-trip.renamed'], ['removed', b.tests[0]!.key]]);
  });

  test('delta names the direction by which way is better; within 2% is noise', () => {
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
