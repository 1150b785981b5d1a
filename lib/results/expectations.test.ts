import { describe, expect, test } from 'vitest';
import { applyExpectations, unmatchedExpectations } from './expectations.ts';
import type { TestResult } from './types.ts';

const result = (id: string, status: TestResult['status'], protocol: TestResult['protocol'] = '3.1.1'): TestResult =>
  ({ key: id, id, title: id, suite: 's', spec: [], protocol, target: 't', status, durationMs: 1 });

describe('expectations', () => {
  const entries = [{ id: 'a', reason: 'known', protocol: '3.1.1' }, { id: 'pre/*', reason: 'prefix' }];

  test('a listed failure becomes expected-failure with the reason', () => {
    const [r] = applyExpectations([result('a', 'failed')], entries);
    expect(r!.status).toBe('expected-failure');
    expect(r!.detail?.expectation?.reason).toBe('known');
  });

  test('a listed test that passes is flagged stale so the file can be pruned', () => {
    const [r] = applyExpectations([result('a', 'passed')], entries);
    expect(r!.status).toBe('passed');
    expect(r!.detail?.expectation?.stale).toBe(true);
  });

  test('protocol narrows an entry; a trailing * matches a prefix', () => {
    const out = applyExpectations([result('a', 'failed', '5'), result('pre/x', 'failed'), result('b', 'failed')], entries);
    expect(out.map((r) => r.status)).toEqual(['failed', 'expected-failure', 'failed']);
  });

  test('errors are never excused by an expectation', () => {
    expect(applyExpectations([result('a', 'error')], entries)[0]!.status).toBe('error');
  });

  test('an entry whose suite ran but that matches no test is reported (renamed test); other suites are not judged', () => {
    const list = [
      { id: 'conformance/old name', reason: 'r', protocol: '5' },
      { id: 'conformance/kept', reason: 'r' },
      { id: 'tls/x', reason: 'r' },
      { id: 'conformance/v311 only', reason: 'r', protocol: '3.1.1' },
    ];
    const ran = [result('conformance/kept', 'failed', '5'), result('conformance/new name', 'failed', '5')];
    expect(unmatchedExpectations(ran, list).map((e) => e.id)).toEqual(['conformance/old name']);
  });
});

