import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { UsageError } from '../core/errors.ts';
import { applyExpectations, describeEntry, expectationsSource, unmatchedExpectations, type ExpectationEntry } from './expectations.ts';
import type { TestResult } from './types.ts';

const result = (key: string, status: TestResult['status'], protocol: TestResult['protocol'] = '3.1.1', suite = 'conformance'): TestResult =>
  ({ key, id: `${suite}/file › title of ${key}`, title: `title of ${key}`, suite, spec: [], protocol, target: 't', status, durationMs: 1 });

describe('expectations', () => {
  const entries: ExpectationEntry[] = [{ key: 'publish.a', reason: 'known', protocol: '3.1.1' }, { key: 'publish.any', reason: 'every protocol' }];

  test('a listed failure becomes expected-failure with the reason', () => {
    const [r] = applyExpectations([result('publish.a', 'failed')], entries);
    expect(r!.status).toBe('expected-failure');
    expect(r!.detail?.expectation?.reason).toBe('known');
  });

  test('a listed test that passes is flagged stale so the file can be pruned', () => {
    const [r] = applyExpectations([result('publish.a', 'passed')], entries);
    expect(r!.status).toBe('passed');
    expect(r!.detail?.expectation?.stale).toBe(true);
  });

  test('matching is on key + protocol; no protocol (or null) means every protocol; no prefix wildcards', () => {
    const out = applyExpectations([
      result('publish.a', 'failed', '5'), result('publish.any', 'failed', '5'), result('publish.any', 'failed', null),
      result('publish.b', 'failed'), { ...result('publish.a2', 'failed'), title: 'publish.a' },
    ], [...entries, { key: 'publish.a*', reason: 'a star is just a character', protocol: null }]);
    expect(out.map((r) => r.status)).toEqual(['failed', 'expected-failure', 'expected-failure', 'failed', 'failed']);
  });

  test('errors are never excused by an expectation', () => {
    expect(applyExpectations([result('publish.a', 'error')], entries)[0]!.status).toBe('error');
  });

  test('an entry whose suite ran but that matches no test is reported by key; other suites are not judged', () => {
    const list: ExpectationEntry[] = [
      { key: 'publish.old-name', reason: 'r', protocol: '5' },
      { key: 'publish.kept', reason: 'r' },
      { key: 'tls.x', reason: 'r' },
      { key: 'subscribe.v311-only', reason: 'r', protocol: '3.1.1' },
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

  test('the key format loads', () => {
    expect(load([{ key: 'publish.a', protocol: '5', spec: ['MQTT-1.2.3-4'], reason: 'r', brokerVersion: '1' }, { key: 'publish.b', protocol: null, reason: 'r' }])).toEqual({ file: path.join(dir, 't.json'), target: 't' });
  });

  test.each([
    [[{ id: 'conformance/x › [MQTT-1] title', reason: 'r' }], /^expectations file .*t\.json: deviations\[0\] needs a string "key" naming the test \(docs\/test-keys\.md\) \(it has the old "id" "conformance\/x › \[MQTT-1\] title"; run scripts\/migrate-expectations\.ts\)$/],
    [[{ key: 'publish.a', reason: 'r' }, { reason: 'r' }], /: deviations\[1\] needs a string "key" naming the test \(docs\/test-keys\.md\)$/],
    [[{ key: 'publish.a', reason: ' ' }], /: deviations\[0\] \(publish\.a\) needs a non-empty "reason"$/],
    [[{ key: 'publish.a', reason: 'r', protocol: '3' }], /: deviations\[0\] \(publish\.a\): "protocol" "3" must be one of "3\.1\.1", "5", or absent for every protocol$/],
  ])('a bad entry is a one-line UsageError naming the file and the entry (%#)', (deviations, message) => {
    let error: unknown;
    try { load(deviations); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});
