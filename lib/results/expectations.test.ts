import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { UsageError } from '../core/errors.ts';
import { applyExpectations, describeEntry, describeFailure, expectationsInRange, expectationsSource, failureMatches, judgeExpectations, staleExpectations, unmatchedExpectations, type ExpectationEntry } from './expectations.ts';
import type { TestResult } from './types.ts';

const result = (key: string, status: TestResult['status'], protocol: TestResult['protocol'] = '3.1.1', suite = 'conformance'): TestResult =>
  ({ key, id: `${suite}/file › title of ${key}`, title: `title of ${key}`, suite, spec: [], protocol, target: 't', status, durationMs: 1 });

const entry = (key: string, over: Partial<ExpectationEntry> = {}): ExpectationEntry =>
  ({ key, protocol: '3.1.1', brokerVersions: '2.0.11', failure: { reason: 'was closed' }, reason: `known ${key}`, ...over });
const failed = (key: string, reason: string, actual?: string, protocol: TestResult['protocol'] = '3.1.1'): TestResult =>
  ({ ...result(key, 'failed', protocol), detail: { reason, ...(actual !== undefined ? { actual } : {}) } });

describe('expectations', () => {
  const entries: ExpectationEntry[] = [entry('publish.a'), entry('publish.b', { failure: { actual: 'PUBACK' } }), entry('publish.c', { failure: { reason: 'timed out', actual: '0x80' } })];

  test('the failure the entry expects becomes expected-failure with the entry on the detail', () => {
    const [r] = applyExpectations([failed('publish.a', 'connection was closed before CONNACK')], entries);
    expect(r!.status).toBe('expected-failure');
    expect(r!.detail?.expectation).toEqual({ reason: 'known publish.a', brokerVersions: '2.0.11', failure: 'reason contains "was closed"' });
  });

  test('failure.actual matches the observed value; with both fields both must match', () => {
    const out = applyExpectations([
      failed('publish.b', 'no PUBLISH within 2000 ms', 'PUBACK id 1'), failed('publish.b', 'no PUBLISH within 2000 ms', 'SUBACK'), failed('publish.b', 'no PUBLISH'),
      failed('publish.c', 'timed out', '0x80'), failed('publish.c', 'timed out', '0x00'), failed('publish.c', 'closed', '0x80'),
    ], entries);
    expect(out.map((r) => r.status)).toEqual(['expected-failure', 'failed', 'failed', 'expected-failure', 'failed', 'failed']);
  });

  test('a different failure of the same test stays failed, its detail naming the failure expected and the one seen', () => {
    const [r] = applyExpectations([failed('publish.a', 'expected SUBACK 0x80, got 0x00', '0x00')], entries);
    expect(r!.status).toBe('failed');
    expect(r!.detail?.reason).toBe('expected SUBACK 0x80, got 0x00');
    expect(r!.detail?.expectation?.differentFailure).toBe('expected a failure with reason contains "was closed"; seen: reason "expected SUBACK 0x80, got 0x00", actual "0x00"');
    expect(r!.detail?.expectation?.stale).toBeUndefined();
  });

  test('matching is case-sensitive substring, not a pattern', () => {
    const out = applyExpectations([failed('publish.a', 'Was Closed'), failed('publish.a', 'was.closed')], [entry('publish.a', { failure: { reason: 'was.closed' } })]);
    expect(out.map((r) => r.status)).toEqual(['failed', 'expected-failure']);
  });

  test('several entries for one test: any one failure they expect is excused', () => {
    const two = [entry('publish.a'), entry('publish.a', { failure: { reason: 'timed out' } })];
    const out = applyExpectations([failed('publish.a', 'timed out after 2 s'), failed('publish.a', 'other')], two);
    expect(out.map((r) => r.status)).toEqual(['expected-failure', 'failed']);
    expect(out[1]!.detail?.expectation?.differentFailure).toContain('reason contains "was closed" or reason contains "timed out"');
  });

  test('a listed test that passes is stale, on its detail and in staleExpectations', () => {
    const tests = [result('publish.a', 'passed'), failed('publish.b', 'x', 'PUBACK')];
    const [r] = applyExpectations(tests, entries);
    expect(r!.status).toBe('passed');
    expect(r!.detail?.expectation?.stale).toBe(true);
    expect(staleExpectations(applyExpectations(tests, entries), entries).map(describeEntry)).toEqual(['[mqtt 3.1.1] publish.a']);
  });

  test('an intermittent entry excuses its failure and leaves a pass a plain pass, never stale', () => {
    const flaky = [entry('publish.a', { intermittent: '1 of 3 runs' })];
    const [pass, fail, other] = applyExpectations([result('publish.a', 'passed'), failed('publish.a', 'was closed early'), failed('publish.a', 'SUBACK 0x80')], flaky);
    expect(pass!.status).toBe('passed');
    expect(pass!.detail?.expectation).toBeUndefined();
    expect(fail!.status).toBe('expected-failure');
    expect(other!.status).toBe('failed');
    expect(staleExpectations([pass!], flaky)).toEqual([]);
  });

  test('matching is on key + protocol exactly; no prefix wildcards, titles never match', () => {
    const out = applyExpectations([
      failed('publish.a', 'was closed', undefined, '5'), failed('publish.a', 'was closed', undefined, null), failed('tls.x', 'was closed', undefined, '3.1.1'),
      { ...failed('publish.a2', 'was closed'), title: 'publish.a' }, failed('publish.ab', 'was closed'),
      failed('tls.x', 'was closed', undefined, null),
    ], [...entries, entry('publish.a*'), entry('tls.x', { protocol: null })]);
    // null names a test that runs under no protocol; it is not a wildcard.
    expect(out.map((r) => r.status)).toEqual(['failed', 'failed', 'failed', 'failed', 'failed', 'expected-failure']);
  });

  test('errors and not-applicable results are never excused nor stale', () => {
    const out = applyExpectations([result('publish.a', 'error'), result('publish.a', 'not-applicable')], entries);
    expect(out.map((r) => [r.status, r.detail?.expectation])).toEqual([['error', undefined], ['not-applicable', undefined]]);
  });

  test('only entries whose range holds the running broker version apply: a fixed release shows a plain pass, not stale', () => {
    const list = [entry('publish.a', { brokerVersions: '>=2.0.0 <2.0.19' }), entry('publish.b', { brokerVersions: '3.10.x' }), entry('publish.c', { brokerVersions: '23.01' })];
    expect(expectationsInRange(list, '2.0.11').map((e) => e.key)).toEqual(['publish.a']);
    expect(expectationsInRange(list, '2.0.19')).toEqual([]);
    expect(expectationsInRange(list, '3.10.8').map((e) => e.key)).toEqual(['publish.b']);
    expect(expectationsInRange(list, '23.01').map((e) => e.key)).toEqual(['publish.c']);
    expect(expectationsInRange(list, 'unknown')).toEqual([]);
    const fixed = applyExpectations([result('publish.a', 'passed')], expectationsInRange(list, '2.0.19'));
    expect(fixed[0]!.detail).toBeUndefined();
  });

  test('judgeExpectations: one entry for 2.0.11, the test run on 2.0.11 and on 2.0.21 (fixed there)', () => {
    const list = [entry('publish.a', { brokerVersions: '2.0.11' })];
    const old = judgeExpectations([failed('publish.a', 'was closed')], list, '2.0.11');
    expect(old.tests[0]!.status).toBe('expected-failure');
    expect(old.stale).toEqual([]);
    // A pass on the version the entry names: the deviation is gone there, the entry is stale.
    const passedOld = judgeExpectations([result('publish.a', 'passed')], list, '2.0.11');
    expect(passedOld.stale.map(describeEntry)).toEqual(['[mqtt 3.1.1] publish.a']);
    expect(passedOld.tests[0]!.detail?.expectation?.stale).toBe(true);
    // A pass on a newer version the entry does not name: a plain pass, neither stale nor annotated.
    const fixed = judgeExpectations([result('publish.a', 'passed')], list, '2.0.21');
    expect(fixed.tests[0]).toEqual(result('publish.a', 'passed'));
    expect(fixed.stale).toEqual([]);
    expect(fixed.unmatched).toEqual([]);
    // And a failure there is a plain failure: the entry excuses only the versions it names.
    expect(judgeExpectations([failed('publish.a', 'was closed')], list, '2.0.21').tests[0]!.status).toBe('failed');
  });

  test('failureMatches and describeFailure', () => {
    expect(failureMatches({ reason: 'a', actual: 'b' }, { reason: 'xa', actual: 'b' })).toBe(true);
    expect(failureMatches({ actual: 'b' }, { reason: 'b' })).toBe(false);
    expect(describeFailure({ reason: 'a', actual: 'b' })).toBe('reason contains "a" and actual contains "b"');
  });

  test('an entry whose suite ran but that matches no test is reported by key; other suites are not judged', () => {
    const list: ExpectationEntry[] = [
      entry('publish.old-name', { protocol: '5' }),
      entry('publish.kept', { protocol: '5' }),
      entry('tls.x'),
      entry('subscribe.v311-only'),
    ];
    const ran = [result('publish.kept', 'failed', '5'), result('publish.new-name', 'failed', '5'), result('subscribe.y', 'passed', '5')];
    expect(unmatchedExpectations(ran, list).map(describeEntry)).toEqual(['[mqtt 5] publish.old-name']);
  });
});

describe('loading', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'expectations-load-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (deviations: unknown[]) => {
    const file = path.join(dir, 't.json');
    fs.writeFileSync(file, JSON.stringify({ target: 't', deviations }));
    return file;
  };
  const load = (deviations: unknown[]) => expectationsSource(write(deviations), ['t']);

  const ok = { key: 'publish.a', protocol: '5', brokerVersions: '>=2.0.0 <2.0.19', failure: { reason: 'closed' }, spec: ['MQTT-1.2.3-4'], reason: 'r' };

  test('the exact format loads', () => {
    expect(load([ok, { ...ok, protocol: '3.1.1', brokerVersions: '23.01', failure: { actual: '0x80', reason: 'x' } }, { ...ok, protocol: null }])).toEqual({ file: path.join(dir, 't.json'), target: 't' });
  });

  test.each([
    [[{ id: 'conformance/x › [MQTT-1] title', reason: 'r' }], /^expectations file .*t\.json: deviations\[0\] needs a string "key" naming the test \(docs\/test-keys\.md\) \(it has the old "id" "conformance\/x › \[MQTT-1\] title"; run scripts\/migrate-expectations\.ts\)$/],
    [[ok, { reason: 'r' }], /: deviations\[1\] needs a string "key" naming the test \(docs\/test-keys\.md\)$/],
    [[{ ...ok, reason: ' ' }], /: deviations\[0\] \(publish\.a\): "reason" must be a non-empty explanation/],
    [[{ ...ok, protocol: '3' }], /: deviations\[0\] \(publish\.a\): "protocol" "3": it must be one of "3\.1\.1", "5" \(one entry per protocol\), or null for a test that runs under no protocol \(TLS handshakes\)$/],
    [[{ ...ok, protocol: undefined }], /: deviations\[0\] \(publish\.a\): "protocol" is missing: it must be one of/],
    [[{ ...ok, brokerVersions: undefined }], /: deviations\[0\] \(publish\.a\): "brokerVersions" is missing/],
    [[{ ...ok, brokerVersions: '*' }], /"brokerVersions" "\*" covers every version/],
    [[{ ...ok, brokerVersions: '>=0.0.0' }], /"brokerVersions" ">=0\.0\.0" covers every version/],
    [[{ ...ok, brokerVersions: 'two point oh' }], /"brokerVersions" "two point oh" is not a version range/],
    [[{ ...ok, brokerVersion: '2.0.11' }], /"brokerVersion" is replaced by "brokerVersions"/],
    [[{ ...ok, failure: undefined }], /: deviations\[0\] \(publish\.a\): "failure" is missing/],
    [[{ ...ok, failure: 'closed' }], /"failure" must be an object/],
    [[{ ...ok, failure: {} }], /"failure" is empty/],
    [[{ ...ok, failure: { regex: 'x' } }], /"failure" has an unknown field "regex"; allowed: reason, actual$/],
    [[{ ...ok, failure: { reason: '' } }], /"failure\.reason" must be a non-empty substring$/],
    [[{ ...ok, spec: ['3.8.4-3'] }], /"spec" must be a list of statement ids/],
  ])('a bad entry is a one-line UsageError naming the file, the entry and the field (%#)', (deviations, message) => {
    let error: unknown;
    try { load(deviations); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});
