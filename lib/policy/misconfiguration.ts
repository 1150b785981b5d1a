// TEST-ONLY: deliberately broken broker configurations, so a self-test can prove that the TLS and
// auth suites turn red (test/misconfig-brokers.test.ts). Selected with `--misconfig <name>`, which the
// run passes to the target in StartOptions.misconfiguration; a target renders the broken setting
// where it has one and ignores the others. Never use it for a real run: the report would describe a
// broker you did not configure.
import type { MisconfigurationName } from '../core/misconfiguration-name.ts';

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
  'tls-expired-cert': 'tls listener serves an expired certificate',
  /** aedes: the tls listener accepts TLS 1.0/1.1 and NULL-encryption suites (security level 0). */
  'tls-weak-protocols': 'tls listener accepts TLS 1.0/1.1 and NULL cipher suites',
  /** aedes: the plain listener keeps a connection that starts with garbage open instead of closing it. */
  'hold-malformed-open': 'plain listener keeps connections that start with garbage open',
} as const satisfies Record<MisconfigurationName, string>;
