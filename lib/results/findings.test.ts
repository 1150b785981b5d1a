// deriveFindings is a pure function of test results: the same tests give the same findings.
import { test, expect } from 'vitest';
import { deriveFindings } from './findings.ts';
import type { TestResult } from './types.ts';

const result = (id: string, status: TestResult['status'], detail?: TestResult['detail']): TestResult => ({
  key: id, id, title: id.split(' › ').slice(1).join(' › '), suite: id.split('/')[0]!, spec: [], protocol: '3.1.1', target: 'b', status, durationMs: 1, ...(detail ? { detail } : {}),
});

test('credentials in clear, unenforced client certificates, accepted anonymous login', () => {
  const titles = deriveFindings([
    result('tls/wire-confidentiality › wire confidentiality › password listener without TLS: is the password readable on the wire?', 'passed', { behaviour: 'credentials sent in clear' }),
    result('tls/mutual-tls › mutual TLS › refuses a client without a certificate', 'failed'),
    result('auth/credentials › credentials › refuses an anonymous client', 'failed', { actual: 'no TLS handshake, CONNACK code 0, no error, connection still open' }),
  ]).map((f) => f.title);
  expect(titles).toEqual(['credentials sent in clear', 'client certificates not enforced', 'anonymous access allowed']);
});

test('a --strict code choice is not a security finding', () => {
  expect(deriveFindings([
    result('auth/credentials › credentials › refuses a wrong password', 'failed', { actual: 'no TLS handshake, CONNACK code 5, no error, connection closed' }),
    result('auth/acl-subscribe › acl › refuses a denied subscription in SUBACK (or never delivers on it)', 'failed', { reason: 'strict: SUBACK code: expected 1 to be one of [128]' }),
    result('tls/mutual-tls › mutual TLS › refuses a client without a certificate', 'passed'),
  ])).toEqual([]);
});

test('a security finding stays visible when its failure is listed as expected', () => {
  const id = 'tls/mutual-tls › mutual TLS › refuses a client without a certificate';
  expect(deriveFindings([result(id, 'expected-failure')]).map((f) => f.title)).toEqual(['client certificates not enforced']);
  expect(deriveFindings([result(id, 'failed')]).map((f) => f.title)).toEqual(['client certificates not enforced']);
  expect(deriveFindings([result(id, 'passed')])).toEqual([]);
});
