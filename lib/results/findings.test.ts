// deriveFindings is a pure function of test results: the same tests give the same findings.
import { describe, test, expect } from 'vitest';
import { attributionOf, countedFindings, deriveFindings, FINDING_TEST_KEYS } from './findings.ts';
import { KEY_FORM } from '../../suites/support/keyed-test.ts';
import type { Finding, TestResult } from './types.ts';

const result = (key: string, status: TestResult['status'], detail?: TestResult['detail']): TestResult => ({
  key, id: `${key.split('.')[0]}/${key}`, title: key, suite: key.split('.')[0]!, spec: [], protocol: '3.1.1', target: 'b', status, durationMs: 1, ...(detail ? { detail } : {}),
});

test('credentials in clear, unenforced client certificates, accepted anonymous login', () => {
  const findings = deriveFindings([
    result('tls.wire-confidentiality.password-in-clear', 'passed', { behaviour: 'credentials sent in clear' }),
    result('tls.mutual-tls.no-certificate', 'failed'),
    result('auth.credentials.anonymous-refused', 'failed', { actual: 'no TLS handshake, CONNACK code 0, no error, connection still open' }),
  ]);
  expect(findings.map((f) => f.title)).toEqual(['credentials sent in clear', 'client certificates not enforced', 'anonymous access allowed']);
  expect(findings.map((f) => f.tests)).toEqual([['tls.wire-confidentiality.password-in-clear'], ['tls.mutual-tls.no-certificate'], ['auth.credentials.anonymous-refused']]);
});

test('a --strict code choice is not a security finding', () => {
  expect(deriveFindings([
    result('auth.credentials.wrong-password-refused', 'failed', { actual: 'no TLS handshake, CONNACK code 5, no error, connection closed' }),
    result('auth.acl.deny-subscribe', 'failed', { reason: 'strict: SUBACK code: expected 1 to be one of [128]' }),
    result('tls.mutual-tls.no-certificate', 'passed'),
  ])).toEqual([]);
});

test('a security finding stays visible when its failure is listed as expected', () => {
  const key = 'tls.mutual-tls.no-certificate';
  expect(deriveFindings([result(key, 'expected-failure')]).map((f) => f.title)).toEqual(['client certificates not enforced']);
  expect(deriveFindings([result(key, 'failed')]).map((f) => f.title)).toEqual(['client certificates not enforced']);
  expect(deriveFindings([result(key, 'passed')])).toEqual([]);
});

test('rules read keys, not titles: a failing test with the rule\'s words in its title but another key is no finding', () => {
  const reworded = { ...result('tls.mutual-tls.accepts-valid', 'failed'), title: 'refuses a client without a certificate' };
  expect(deriveFindings([reworded])).toEqual([]);
});

test('one finding per target, listing each test key once across protocols', () => {
  const v5 = { ...result('tls.robustness.truncated-handshake', 'failed'), protocol: '5' as const };
  const findings = deriveFindings([result('tls.robustness.truncated-handshake', 'failed'), v5, { ...v5, target: 'c' }]);
  expect(findings.map((f) => [f.target, f.tests])).toEqual([['b', ['tls.robustness.truncated-handshake']], ['c', ['tls.robustness.truncated-handshake']]]);
});

test('every key a rule reads has the key form', () => {
  for (const key of FINDING_TEST_KEYS) expect(key).toMatch(KEY_FORM);
  expect(FINDING_TEST_KEYS.length).toBe(31);
});

test('each issue of a served server certificate is its own finding; the operator\'s on a profile, the rig\'s on a managed broker', () => {
  const seen = result('tls.server-certificate.tls', 'passed', { behaviour: 'expired, SHA-1 signature' });
  const clean = { ...result('tls.server-certificate.mtls', 'passed', { behaviour: 'no issues' }) };
  const external = deriveFindings([seen, clean], [{ name: seen.target, driver: 'external' }]);
  expect(external.map((f) => [f.title, f.attribution, f.tests])).toEqual([
    ['server certificate: expired', 'operator', ['tls.server-certificate.tls']],
    ['server certificate: SHA-1 signature', 'operator', ['tls.server-certificate.tls']],
  ]);
  expect(deriveFindings([seen], [{ name: seen.target, driver: 'local' }]).map((f) => f.attribution)).toEqual(['rig', 'rig']);
});

describe('attribution: whose doing a finding is', () => {
  const clear = result('tls.wire-confidentiality.password-in-clear', 'passed', { behaviour: 'credentials sent in clear' });
  const noCert = result('tls.mutual-tls.no-certificate', 'failed');
  const garbage = result('tls.robustness.garbage-on-plain', 'failed');
  const badCert = result('tls.client-verification.trust-ok', 'failed');
  const byTitle = (fs: Finding[]) => Object.fromEntries(fs.map((f) => [f.title, f.attribution]));

  test('on a managed broker, configuration the harness chose is the rig\'s; what the broker did is the broker\'s', () => {
    const findings = deriveFindings([clear, noCert, garbage, badCert], [{ name: 'b', driver: 'local' }]);
    expect(byTitle(findings)).toEqual({
      'credentials sent in clear': 'rig',
      'client certificates not enforced': 'broker',
      'broker did not survive malformed input': 'broker',
      'server certificate does not verify': 'rig',
    });
    expect(findings.find((f) => f.title === 'credentials sent in clear')?.attributionReason).toMatch(/harness configured the auth listener without TLS on purpose/);
  });

  test('against a profile (external), the configuration is the operator\'s; pure broker behaviour stays the broker\'s', () => {
    expect(byTitle(deriveFindings([clear, noCert, garbage], [{ name: 'b', driver: 'external' }]))).toEqual({
      'credentials sent in clear': 'operator',
      'client certificates not enforced': 'operator',
      'broker did not survive malformed input': 'broker',
    });
  });

  test('rig findings do not count; a document without attributions reads as the broker\'s', () => {
    const findings = deriveFindings([clear, noCert], [{ name: 'b', driver: 'embedded' }]);
    expect(countedFindings(findings).map((f) => f.title)).toEqual(['client certificates not enforced']);
    const old: Finding = { target: 'b', severity: 'high', title: 't', detail: 'd', tests: [] };
    expect(attributionOf(old)).toBe('broker');
    expect(countedFindings([old])).toEqual([old]);
  });
});
