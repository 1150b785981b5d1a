// Security findings, stated plainly, derived from test results by a pure function: the same tests
// always give the same findings. The HTML report lists `doc.findings`; each names its tests.
import type { Finding, TestResult } from './types.ts';

interface FindingRule {
  /** Matches a test's id (suite/file › title path). */
  test: RegExp;
  /** The verdict that means the problem is present. */
  when: (t: TestResult) => boolean;
  severity: Finding['severity'];
  title: string;
  detail: string;
}

// An expected failure (listed in fixtures/expectations) is still a finding: known is not safe.
const failed = (t: TestResult) => t.status === 'failed' || t.status === 'expected-failure';
/** Failed because the broker let the client in, not merely because it chose another refusal code (--strict). */
const acceptedLogin = (t: TestResult) => failed(t) && /CONNACK code 0,/.test(t.detail?.actual ?? '');
/** Failed for a reason other than a --strict code choice. */
const notOnlyStrict = (t: TestResult) => failed(t) && !/^strict:/.test(t.detail?.reason ?? '');

const RULES: FindingRule[] = [
  {
    test: /^tls\/wire-confidentiality › .*password listener/,
    when: (t) => t.status === 'passed' && /credentials sent in clear/.test(t.detail?.behaviour ?? ''),
    severity: 'high',
    title: 'credentials sent in clear',
    detail: 'A listener without TLS accepts a user name and password; a relay on the path read the password in the bytes.',
  },
  {
    test: /^tls\/mutual-tls › .*refuses a client without a certificate/,
    when: failed,
    severity: 'high',
    title: 'client certificates not enforced',
    detail: 'The mutual-TLS listener accepted a client that presented no certificate.',
  },
  {
    test: /^tls\/mutual-tls › .*refuses a revoked client certificate/,
    when: failed,
    severity: 'high',
    title: 'revoked client certificates accepted',
    detail: 'A client certificate listed in the CRL was accepted: the broker does not check revocation.',
  },
  {
    test: /^tls\/mutual-tls › .*refuses (an expired|a not-yet-valid|a client certificate from a foreign CA)/,
    when: failed,
    severity: 'high',
    title: 'invalid client certificates accepted',
    detail: 'The mutual-TLS listener accepted an expired, not yet valid or untrusted client certificate.',
  },
  {
    test: /^tls\/protocol-policy › .*refuses (TLS 1\.0|TLS 1\.1|a weak cipher)/,
    when: failed,
    severity: 'medium',
    title: 'weak TLS accepted',
    detail: 'The TLS listener negotiated a protocol version below 1.2 or a weak cipher suite.',
  },
  {
    test: /^tls\/client-verification › .*trusts the run's CA/,
    when: failed,
    severity: 'medium',
    title: 'server certificate does not verify',
    detail: "A client trusting the run's CA could not verify the TLS listener's certificate (expired, wrong name or wrong chain).",
  },
  {
    test: /^tls\/robustness › /,
    when: failed,
    severity: 'medium',
    title: 'broker did not survive malformed input',
    detail: 'After garbage or a protocol mismatch on a listener, the connection stayed open or a good client was not served.',
  },
  {
    test: /^auth\/credentials › .*refuses an anonymous client/,
    when: acceptedLogin,
    severity: 'high',
    title: 'anonymous access allowed',
    detail: 'The password-protected listener accepted a client without credentials.',
  },
  {
    test: /^auth\/credentials › .*refuses (a wrong password|an unknown user|a user name without a password)/,
    when: acceptedLogin,
    severity: 'high',
    title: 'password check not enforced',
    detail: 'The password-protected listener accepted a wrong password, an unknown user or a missing password.',
  },
  {
    test: /^auth\/acl(-subscribe)? › /,
    when: notOnlyStrict,
    severity: 'high',
    title: 'ACL not enforced',
    detail: 'A user could publish or subscribe beyond what the standard test policy allows.',
  },
  {
    test: /^auth\/bad-password-burst › /,
    when: failed,
    severity: 'medium',
    title: 'password guessing degrades service',
    detail: 'After a burst of bad-password attempts a valid client was not served within 1 s.',
  },
];

export function deriveFindings(tests: TestResult[]): Finding[] {
  const findings: Finding[] = [];
  const targets = [...new Set(tests.map((t) => t.target))];
  for (const target of targets) {
    for (const rule of RULES) {
      const hits = tests.filter((t) => t.target === target && rule.test.test(t.id) && rule.when(t));
      if (!hits.length) continue;
      findings.push({ target, severity: rule.severity, title: rule.title, detail: rule.detail, tests: [...new Set(hits.map((t) => t.id))] });
    }
  }
  return findings;
}
