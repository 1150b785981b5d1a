import { expect, test } from 'vitest';
import { deriveFindings } from './findings.ts';
import type { TestResult } from './types.ts';

const mtls = (status: TestResult['status']): TestResult => ({
  id: 'tls/mutual-tls › mtls listener › refuses a client without a certificate',
  title: 'refuses a client without a certificate', suite: 'tls', spec: [], protocol: '3.1.1', target: 'ejabberd', status, durationMs: 1,
});

test('a security finding stays visible when its failure is listed as expected', () => {
  expect(deriveFindings([mtls('expected-failure')]).map((f) => f.title)).toEqual(['client certificates not enforced']);
  expect(deriveFindings([mtls('failed')]).map((f) => f.title)).toEqual(['client certificates not enforced']);
  expect(deriveFindings([mtls('passed')])).toEqual([]);
});
