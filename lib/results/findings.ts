// Security findings, stated plainly, derived from test results by a pure function: the same tests
// always give the same findings. The HTML report lists `doc.findings`; each names its tests by key.
// Each rule names the keys of the tests it reads (docs/test-keys.md), so rewording a title never
// silently switches a finding off; unregistered-keys.ts checks that every key here is registered.
// Each rule also says what decides its verdict, so that a finding is attributed to whoever chose
// what it describes (see `attribute`): a managed broker runs the configuration the harness wrote,
// an external broker (--profile) the operator's.
import type { DriverName } from '../core/broker.ts';
import type { Finding, FindingAttribution, TestResult } from './types.ts';

/**
 * - `configuration`: the verdict follows from configuration alone (which listener has TLS, which
 *   certificate it serves). For a managed broker that is the harness's choice, hence the rig's.
 * - `enforcement`: the harness configured the broker to refuse something (no certificate, a wrong
 *   password, an ACL) and it did not: the broker's fault. An external broker's configuration is
 *   unknown to us, so there the operator's.
 * - `behaviour`: no configuration decides it (surviving garbage, a password burst): always the broker's.
 */
type DecidedBy = 'configuration' | 'enforcement' | 'behaviour';

interface FindingRule {
  /** Keys of the tests the rule reads. */
  keys: readonly string[];
  /** The verdict that means the problem is present. */
  when: (t: TestResult) => boolean;
  severity: Finding['severity'];
  title: string;
  detail: string;
  decidedBy: DecidedBy;
  /** For `configuration` rules on a managed broker: what the harness chose, and why. */
  rigReason?: string;
}

// An expected failure (listed in fixtures/expectations) is still a finding: known is not safe.
const failed = (t: TestResult) => t.status === 'failed' || t.status === 'expected-failure';
/** Failed because the broker let the client in, not merely because it chose another refusal code (--strict). */
const acceptedLogin = (t: TestResult) => failed(t) && /CONNACK code 0,/.test(t.detail?.actual ?? '');
/** Failed for a reason other than a --strict code choice. */
const notOnlyStrict = (t: TestResult) => failed(t) && !/^strict:/.test(t.detail?.reason ?? '');

/** One finding per issue the server-certificate tests record (lib/pki/certificate-quality.ts). */
const SERVER_CERTIFICATE_KEYS = ['tls.server-certificate.tls', 'tls.server-certificate.mtls', 'tls.server-certificate.tls-auth'] as const;
const certificateRule = (issue: string, severity: Finding['severity'], detail: string, rigReason: string): FindingRule => ({
  keys: SERVER_CERTIFICATE_KEYS,
  // A defect fails the test (suites/tls/server-certificate.test.ts); a near expiry passes it. Both are findings.
  when: (t) => (t.status === 'passed' || t.status === 'failed') && (t.detail?.behaviour ?? '').split(', ').includes(issue),
  severity,
  title: `server certificate: ${issue}`,
  detail,
  decidedBy: 'configuration',
  rigReason,
});
const PER_RUN_CERTIFICATE = 'the harness serves its own per-run certificate';

const RULES: readonly FindingRule[] = [
  certificateRule('expired', 'high', 'A TLS listener serves a certificate past its notAfter date; verifying clients refuse it.', `${PER_RUN_CERTIFICATE}, valid from an hour ago`),
  certificateRule('expires within 30 days', 'low', 'A TLS listener serves a certificate that expires within 30 days.', `${PER_RUN_CERTIFICATE}, which lives two days on purpose (generated per run, never committed)`),
  certificateRule('RSA key under 2048 bits', 'medium', 'A TLS listener serves a certificate with an RSA key under 2048 bits.', `${PER_RUN_CERTIFICATE} (RSA 2048)`),
  certificateRule('SHA-1 signature', 'medium', 'A TLS listener serves a certificate signed with SHA-1, which is broken for collision resistance.', `${PER_RUN_CERTIFICATE} (SHA-256)`),
  certificateRule('no subjectAltName', 'medium', 'A TLS listener serves a certificate without subjectAltName; clients match host names there (RFC 6125).', `${PER_RUN_CERTIFICATE} (with subjectAltName)`),
  {
    keys: ['tls.wire-confidentiality.password-in-clear'],
    when: (t) => t.status === 'passed' && /credentials sent in clear/.test(t.detail?.behaviour ?? ''),
    severity: 'high',
    title: 'credentials sent in clear',
    detail: 'A listener without TLS accepts a user name and password; a relay on the path read the password in the bytes.',
    decidedBy: 'configuration',
    rigReason: 'the harness configured the auth listener without TLS on purpose, so that the suites can read what crosses the wire; it says nothing about the broker',
  },
  {
    keys: ['tls.mutual-tls.no-certificate'],
    when: failed,
    severity: 'high',
    title: 'client certificates not enforced',
    detail: 'The mutual-TLS listener accepted a client that presented no certificate.',
    decidedBy: 'enforcement',
  },
  {
    keys: ['tls.mutual-tls.self-signed', 'tls.mutual-tls.foreign-ca'],
    when: failed,
    severity: 'high',
    title: 'untrusted client certificates accepted',
    detail: 'The mutual-TLS listener accepted a client certificate that does not chain to its CA (self-signed, or from a foreign CA).',
    decidedBy: 'enforcement',
  },
  {
    keys: ['tls.mutual-tls.revoked'],
    when: failed,
    severity: 'high',
    title: 'revoked client certificates accepted',
    detail: 'A client certificate listed in the CRL was accepted: the broker does not check revocation.',
    decidedBy: 'enforcement',
  },
  {
    keys: ['tls.mutual-tls.expired', 'tls.mutual-tls.not-yet-valid', 'tls.mutual-tls.foreign-ca'],
    when: failed,
    severity: 'high',
    title: 'invalid client certificates accepted',
    detail: 'The mutual-TLS listener accepted an expired, not yet valid or untrusted client certificate.',
    decidedBy: 'enforcement',
  },
  {
    keys: ['tls.protocol-policy.tls1-0-refused', 'tls.protocol-policy.tls1-1-refused', 'tls.protocol-policy.null-cipher-refused'],
    when: failed,
    severity: 'medium',
    title: 'weak TLS accepted',
    detail: 'The TLS listener negotiated a protocol version below 1.2 or a weak cipher suite.',
    decidedBy: 'enforcement',
  },
  {
    keys: ['tls.client-verification.trust-ok'],
    when: failed,
    severity: 'medium',
    title: 'server certificate does not verify',
    detail: "A client trusting the run's CA could not verify the TLS listener's certificate (expired, wrong name or wrong chain).",
    decidedBy: 'configuration',
    rigReason: "the harness issued the TLS listener's certificate and wrote its configuration; a certificate that does not verify is the rig's mistake",
  },
  {
    keys: [
      'tls.robustness.client-hello-on-plain', 'tls.robustness.plain-connect-on-tls', 'tls.robustness.truncated-handshake',
      'tls.robustness.garbage-on-tls', 'tls.robustness.garbage-on-plain',
    ],
    when: failed,
    severity: 'medium',
    title: 'broker did not survive malformed input',
    detail: 'After garbage or a protocol mismatch on a listener, the connection stayed open or a good client was not served.',
    decidedBy: 'behaviour',
  },
  {
    keys: ['auth.credentials.anonymous-refused'],
    when: acceptedLogin,
    severity: 'high',
    title: 'anonymous access allowed',
    detail: 'The password-protected listener accepted a client without credentials.',
    decidedBy: 'enforcement',
  },
  {
    keys: ['auth.credentials.wrong-password-refused', 'auth.credentials.unknown-user-refused', 'auth.credentials.username-without-password-refused'],
    when: acceptedLogin,
    severity: 'high',
    title: 'password check not enforced',
    detail: 'The password-protected listener accepted a wrong password, an unknown user or a missing password.',
    decidedBy: 'enforcement',
  },
  {
    keys: [
      'auth.acl.allow-publish', 'auth.acl.deny-publish', 'auth.acl.user-pattern', 'auth.acl.certificate-identity',
      'auth.acl.deny-subscribe', 'auth.acl.read-only-topic', 'auth.acl.wildcard-subscribe-filtered',
    ],
    when: notOnlyStrict,
    severity: 'high',
    title: 'ACL not enforced',
    detail: 'A user could publish or subscribe beyond what the standard test policy allows.',
    decidedBy: 'enforcement',
  },
  {
    keys: ['auth.bad-password-burst.valid-client-served'],
    when: failed,
    severity: 'medium',
    title: 'password guessing degrades service',
    detail: 'After a burst of bad-password attempts a valid client was not served within 1 s.',
    decidedBy: 'behaviour',
  },
];

/** Every test key a finding rule reads; each must be a registered test (unregistered-keys.ts). */
export const FINDING_TEST_KEYS: readonly string[] = [...new Set(RULES.flatMap((r) => r.keys))];

/** Whose doing a finding of `rule` is, for a target started by `driver`. */
function attribute(rule: FindingRule, driver: DriverName | undefined): { attribution: FindingAttribution; attributionReason?: string } {
  const external = driver === 'external';
  if (rule.decidedBy === 'behaviour') return { attribution: 'broker' };
  if (external) {
    return { attribution: 'operator', attributionReason: 'an external broker (--profile) runs its operator\'s configuration' };
  }
  if (rule.decidedBy === 'configuration') return { attribution: 'rig', attributionReason: rule.rigReason! };
  return { attribution: 'broker' };
}

/** A finding's attribution; documents written before attributions existed read as the broker's. */
export const attributionOf = (f: Finding): FindingAttribution => f.attribution ?? 'broker';

/** Findings that count against their target: the broker's and the operator's, never the rig's. */
export const countedFindings = (findings: readonly Finding[] | undefined): Finding[] =>
  (findings ?? []).filter((f) => attributionOf(f) !== 'rig');

/**
 * Findings per target and rule. `drivers` names each target's driver (results.json `targets`):
 * it decides whether configuration was the harness's or the operator's; a target missing there is
 * taken as managed.
 */
export function deriveFindings(tests: readonly TestResult[], drivers: readonly { name: string; label?: string; driver: DriverName }[] = []): Finding[] {
  const findings: Finding[] = [];
  const targets = [...new Set(tests.map((t) => t.target))];
  for (const target of targets) {
    const driver = drivers.find((d) => (d.label ?? d.name) === target)?.driver;
    for (const rule of RULES) {
      const hits = tests.filter((t) => t.target === target && rule.keys.includes(t.key) && rule.when(t));
      if (!hits.length) continue;
      findings.push({ target, severity: rule.severity, title: rule.title, detail: rule.detail, tests: [...new Set(hits.map((t) => t.key))], ...attribute(rule, driver) });
    }
  }
  return findings;
}
