import { describe, expect, test } from 'vitest';
import { resultsDoc, throughput } from '../../test/support/results-builder.ts';
import { benchDirection, classifyChange, gateFailures, noiseBand, versionDiffsBetweenRuns, versionDiffsInRun } from './version-diff.ts';
import { compareVersions } from './version-range.ts';

describe('classifyChange', () => {
  test.each([
    ['passed', 'failed', 'regressed'],
    ['passed', 'error', 'regressed'],
    ['passed', 'expected-failure', 'regressed'],
    ['failed', 'passed', 'fixed'],
    ['error', 'passed', 'fixed'],
    ['expected-failure', 'passed', 'fixed'],
    ['passed', 'passed', 'unchanged'],
    ['not-applicable', 'not-applicable', 'unchanged'],
    ['passed', 'not-applicable', 'changed'],
    ['failed', 'error', 'changed'],
    ['failed', 'expected-failure', 'changed'],
    [undefined, 'passed', 'added'],
    ['passed', undefined, 'removed'],
  ] as const)('%s → %s is %s', (before, after, kind) => {
    expect(classifyChange(before, after)).toBe(kind);
  });
});

describe('compareVersions', () => {
  test('orders numerically, not as text', () => {
    expect(['2.0.21', '2.0.9', '2.0.11', '1.6.15'].sort(compareVersions)).toEqual(['1.6.15', '2.0.9', '2.0.11', '2.0.21']);
    expect(compareVersions('23.01', '23.1.0')).not.toBe(0); // equal as versions; the text breaks the tie, so the order is total
    expect(compareVersions('24.12', '23.01')).toBeGreaterThan(0);
    expect(compareVersions('nightly', '2.0.9')).toBeGreaterThan(0);
  });
});

const mosq = (version: string, tests: [string, 'passed' | 'failed' | 'error' | 'expected-failure' | 'not-applicable'][], extra = {}) => ({ name: 'mosquitto', version, tests, ...extra });

describe('versionDiffsInRun', () => {
  const doc = resultsDoc('run-1', [
    // Given out of order on purpose: 2.0.21 before 2.0.9 before 2.0.11.
    mosq('2.0.21', [['a.one', 'failed'], ['b.two', 'passed'], ['c.three', 'passed'], ['e.new', 'passed'], ['f.six', 'expected-failure']]),
    mosq('2.0.9', [['a.one', 'passed'], ['b.two', 'failed'], ['c.three', 'passed'], ['d.gone', 'passed'], ['f.six', 'passed']]),
    mosq('2.0.11', [['a.one', 'passed'], ['b.two', 'failed'], ['c.three', 'passed'], ['d.gone', 'passed'], ['f.six', 'passed']]),
    { name: 'aedes', tests: [['a.one', 'failed']] },
  ]);

  test('pairs consecutive versions in numeric order; a broker in one version has no diff', () => {
    const diffs = versionDiffsInRun(doc);
    expect(diffs.map((d) => [d.broker, d.old.version, d.new.version])).toEqual([['mosquitto', '2.0.9', '2.0.11'], ['mosquitto', '2.0.11', '2.0.21']]);
    expect(diffs[0]!.counts).toMatchObject({ regressed: 0, fixed: 0, unchanged: 5 });
  });

  test('regressions first, then fixed, added, removed, unchanged; passed → expected-failure is a regression', () => {
    const d = versionDiffsInRun(doc)[1]!;
    expect(d.tests.map((t) => [t.kind, t.key])).toEqual([
      ['regressed', 'a.one'],
      ['regressed', 'f.six'],
      ['fixed', 'b.two'],
      ['added', 'e.new'],
      ['removed', 'd.gone'],
      ['unchanged', 'c.three'],
    ]);
    expect(d.tests[0]).toMatchObject({ old: 'passed', new: 'failed', reason: 'a.one failed on mosquitto@2.0.21' });
    expect(d.counts).toEqual({ regressed: 2, fixed: 1, changed: 0, added: 1, removed: 1, unchanged: 1 });
    expect(gateFailures([d])).toEqual({ regressed: 2, newFindings: 0 });
  });

  test('a run with one version per broker has no version diff', () => {
    expect(versionDiffsInRun(resultsDoc('r', [mosq('2.0.11', [['a.one', 'passed']]), { name: 'aedes', tests: [] }]))).toEqual([]);
  });

  test('the same key under two protocols is two tests', () => {
    const d = versionDiffsInRun(resultsDoc('r', [
      { name: 'm', version: '1', tests: [['k', 'passed', '3.1.1', []], ['k', 'passed', '5', ['MQTT-3.1.2-1']]] },
      { name: 'm', version: '2', tests: [['k', 'passed', '3.1.1', []], ['k', 'failed', '5', ['MQTT-3.1.2-1']]] },
    ]))[0]!;
    expect(d.tests.map((t) => [t.kind, t.protocol, t.spec])).toEqual([['regressed', '5', ['MQTT-3.1.2-1']], ['unchanged', '3.1.1', []]]);
  });
});

describe('versionDiffsBetweenRuns', () => {
  const finding = { severity: 'high' as const, title: 'accepts an expired client certificate', detail: 'd', tests: ['tls.expired'] };
  const rig = { severity: 'medium' as const, title: 'password listener without TLS', detail: 'd', tests: ['auth.plain'], attribution: 'rig' as const };

  test('pairs the same label, then the newest old version of the same broker; the rest are unpaired', () => {
    const old = resultsDoc('old', [mosq('2.0.9', [['a', 'passed']]), mosq('2.0.11', [['a', 'passed']]), { name: 'aedes', tests: [['a', 'passed']] }, { name: 'nanomq', tests: [] }]);
    const neu = resultsDoc('new', [mosq('2.0.21', [['a', 'failed']]), { name: 'aedes', tests: [['a', 'passed']] }, { name: 'emqx', tests: [] }]);
    const { diffs, unpaired } = versionDiffsBetweenRuns(old, neu);
    expect(diffs.map((d) => [d.old.label, d.new.label, d.old.runId, d.new.runId])).toEqual([['aedes', 'aedes', 'old', 'new'], ['mosquitto@2.0.11', 'mosquitto@2.0.21', 'old', 'new']]);
    expect(unpaired).toEqual(['emqx (only in the new run)', 'mosquitto@2.0.9 (only in the old run)', 'nanomq (only in the old run)']);
  });

  test('new and resolved findings; a rig finding is shown but does not gate', () => {
    const old = resultsDoc('old', [mosq('2.0.11', [['tls.expired', 'passed']], { findings: [{ ...finding, title: 'weak cipher offered', tests: ['tls.cipher'] }] })]);
    const neu = resultsDoc('new', [mosq('2.0.21', [['tls.expired', 'failed']], { findings: [finding, rig] })]);
    const [d] = versionDiffsBetweenRuns(old, neu).diffs;
    expect(d!.findings.map((f) => [f.change, f.counted, f.finding.title])).toEqual([
      ['new', true, 'accepts an expired client certificate'],
      ['new', false, 'password listener without TLS'],
      ['resolved', true, 'weak cipher offered'],
    ]);
    expect(gateFailures([d!])).toEqual({ regressed: 1, newFindings: 1 });
  });

  test('benchmark deltas: direction knows which way is better; changes inside the band are noise', () => {
    const steady = [50, 50, 51, 49, 50, 50];
    const old = resultsDoc('old', [mosq('2.0.11', [], { benchmarks: [throughput('t.qos1', 10_000, 20, steady), throughput('u.qos1', 10_000, 20, steady)] })]);
    const neu = resultsDoc('new', [mosq('2.0.21', [], { benchmarks: [throughput('t.qos1', 8_000, 10, steady), throughput('u.qos1', 10_100, 20, steady)] })]);
    const [d] = versionDiffsBetweenRuns(old, neu).diffs;
    const row = (scenario: string, metric: string) => d!.benchmarks.find((b) => b.scenario === scenario && b.metric === metric);
    expect(row('t.qos1', 'msgsPerSec')).toMatchObject({ old: 10_000, new: 8_000, pct: -20, direction: 'worse', higherIsBetter: true });
    expect(row('t.qos1', 'p99Ms')).toMatchObject({ old: 20, new: 10, pct: -50, direction: 'better', higherIsBetter: false });
    expect(row('u.qos1', 'msgsPerSec')).toMatchObject({ direction: 'within noise', bandPct: 2 });
    expect(d!.benchmarks[0]!.direction).toBe('worse');
  });
});

describe('noiseBand', () => {
  test('from repeats when a side measured the scenario more than once', () => {
    const reps = [throughput('t', 9_000, 10, []), throughput('t', 10_000, 10, []), throughput('t', 11_000, 10, [])];
    expect(noiseBand('msgsPerSec', reps, [throughput('t', 10_000, 10, [])])).toEqual({ bandPct: 20, band: 'spread of 3 repeats' });
  });

  test('else from the per-interval broker CPU samples (first and last dropped), never under the floor', () => {
    // Interval samples 40, 60, 40, 60 after dropping 0 and 5: mean 50, sd 11.5 → CV 23.1%.
    const swinging = throughput('t', 10_000, 10, [0, 40, 60, 40, 60, 5]);
    expect(noiseBand('msgsPerSec', [swinging], [throughput('t', 10_000, 10, [50, 50, 50])])).toEqual({ bandPct: 23.1, band: 'CV of 4 + 3 broker CPU intervals' });
    expect(noiseBand('p99Ms', [throughput('t', 1, 1, [])], [throughput('t', 1, 1, [])])).toEqual({ bandPct: 2, band: 'floor 2% (no repeats or interval samples)' });
    expect(benchDirection(100, 80, true, 23.1).direction).toBe('within noise');
    expect(benchDirection(100, 70, true, 23.1).direction).toBe('worse');
    expect(benchDirection(0, 5, false, 2).direction).toBe('worse');
  });
});
