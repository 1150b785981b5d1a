// TEST-ONLY: deliberately broken broker configurations, so a self-test can prove that the TLS and
// auth suites turn red (test/misconfig-brokers.test.ts). Selected with `--misconfig <name>`, which the
// run passes to the target in StartOptions.misconfiguration; a target renders the broken setting
// where it has one and ignores the others. Never use it for a real run: the report would describe a
// broker you did not configure.
import type { MisconfigurationName } from '../core/misconfiguration-name.ts';
import { ALLOW_ALL_RULES, TEST_POLICY, type TestPolicy } from './test-policy.ts';

export { MISCONFIGURATION_NAMES, type MisconfigurationName } from '../core/misconfiguration-name.ts';

/** What each misconfiguration breaks (and in which targets): `satisfies` keeps it in step with the names. */
export const MISCONFIGURATIONS = {
  /** mosquitto: `allow_anonymous true` on the auth listener. */
  'anonymous-auth': 'auth listener allows anonymous clients',
  /** mosquitto: mtls listener without `require_certificate` (configured like the tls listener). */
  'no-require-certificate': 'mtls listener does not require a client certificate',
  /** mosquitto/aedes: no `crlfile` / `crl` on the mtls listener. */
  'no-crl': 'mtls listener is not given the CRL',
  /** aedes: authenticate accepts any password of a known or unknown user. */
  'any-password': 'auth listener accepts any password',
  /** mosquitto/aedes: an ACL that allows every user everything. */
  'acl-allow-all': 'ACL allows everything',
  /** mosquitto/aedes: the tls listener serves the expired server certificate. */
  'tls-expired-cert': 'tls, mtls and wss listeners serve an expired certificate',
  /** aedes: the tls listener accepts TLS 1.0/1.1 and NULL-encryption suites (security level 0). */
  'tls-weak-protocols': 'tls listener accepts TLS 1.0/1.1 and NULL cipher suites',
  /** aedes: the plain listener keeps a connection that starts with garbage open instead of closing it. */
  'hold-malformed-open': 'plain listener keeps connections that start with garbage open',
  /**
   * mosquitto: the auth listener without `password_file` and with `allow_anonymous true`, as the plain
   * one (2.0 refuses every client on a listener with neither, so anonymous has to be on for a login to pass).
   */
  'no-password-file': 'auth listener has no password file and allows anonymous clients: any user name and password pass',
  /** mosquitto/aedes: the password file holds other passwords than the test policy's (rotated, not redeployed). */
  'rotated-passwords': 'auth listener checks against other passwords than the test policy\'s',
  /** aedes: after 10 bad passwords a user name is locked out for 60 s, its right password refused too. */
  'password-lockout': 'auth listener locks a user out (60 s) after 10 bad passwords',
  /** mosquitto/aedes: an empty ACL: authenticated users may do nothing. */
  'acl-deny-all': 'ACL allows nothing',
  /** mosquitto/aedes: the mtls listener trusts the foreign CA besides the root. */
  'mtls-trusts-foreign-ca': 'mtls listener also trusts the foreign CA',
  /** mosquitto/aedes: the mtls listener trusts only the foreign CA (the wrong `cafile`). */
  'mtls-wrong-ca': 'mtls listener trusts the foreign CA instead of the root',
  /** aedes: the mtls listener's own certificate check ignores validity dates (mosquitto has no such setting). */
  /** aedes: the mtls listener asks for a certificate but lets any one in (self-signed, foreign CA, expired). */
  'mtls-accepts-any-cert': 'mtls listener accepts any client certificate',
  'mtls-ignores-validity': 'mtls listener accepts expired and not-yet-valid client certificates',
  /** aedes: the tls listener stops at TLS 1.2 (`maxVersion`; mosquitto 2.0 has no maximum). */
  'tls12-only': 'tls listener offers TLS 1.2 only',
  /** mosquitto `tls_version tlsv1.3` / aedes `minVersion TLSv1.3` on the tls listener. */
  'tls13-only': 'tls listener offers TLS 1.3 only',
  /** mosquitto/aedes: every `tls-bad-<scenario>` listener serves the good chain (the bad certificate replaced). */
  'bad-listeners-serve-good-cert': 'tls-bad-* listeners serve the good certificate chain',
  /** mosquitto/aedes: the tls listener serves a `localhost` certificate issued by the foreign CA. */
  'tls-foreign-server-cert': 'tls and wss listeners serve a certificate issued by the foreign CA',
  /** aedes: the tls listener keeps a connection open until a complete ClientHello record arrives (no timeout, FIN ignored). */
  'tls-hold-malformed-open': 'tls listener keeps connections that do not start a complete TLS handshake open',
} as const satisfies Record<MisconfigurationName, string>;

/**
 * The test policy a broker is given under a misconfiguration: the ACL replaced (acl-allow-all,
 * acl-deny-all) or every password rotated without telling the clients (rotated-passwords); the
 * standard policy otherwise. Both renderings (mosquitto files, aedes hooks) take it from here.
 */
export function policyUnder(misconfig: MisconfigurationName | undefined): TestPolicy {
  switch (misconfig) {
    case 'acl-allow-all': return { ...TEST_POLICY, rules: ALLOW_ALL_RULES };
    case 'acl-deny-all': return { ...TEST_POLICY, rules: [] };
    case 'rotated-passwords': return { ...TEST_POLICY, users: TEST_POLICY.users.map((u) => ({ ...u, password: `${u.password}-rotated` })) };
    default: return TEST_POLICY;
  }
}
