import { describe, expect, test } from 'vitest';
import { applyExpectations } from './expectations.ts';
import type { TestResult } from './types.ts';

const result = (id: string, status: TestResult['status'], protocol: TestResult['protocol'] = '3.1.1'): TestResult =>
  ({ id, title: id, suite: 's', spec: [], protocol, target: 't', status, durationMs: 1 });

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
});
