// The names of the test-only broker misconfigurations (what each one breaks is described in
// lib/policy/misconfiguration.ts). The names live in core because StartOptions carries one and
// core imports no higher layer; the policy layer's catalogue must describe exactly these names.
export const MISCONFIGURATION_NAMES = [
  'anonymous-auth',
  'no-require-certificate',
  'no-crl',
  'any-password',
  'acl-allow-all',
  'tls-expired-cert',
  'tls-weak-protocols',
  'hold-malformed-open',
  'no-password-file',
  'rotated-passwords',
  'password-lockout',
  'acl-deny-all',
  'mtls-trusts-foreign-ca',
  'mtls-wrong-ca',
  'mtls-ignores-validity',
  'tls12-only',
  'tls13-only',
  'bad-listeners-serve-good-cert',
  'tls-foreign-server-cert',
  'tls-hold-malformed-open',
  'mtls-accepts-any-cert',
] as const;

export type MisconfigurationName = (typeof MISCONFIGURATION_NAMES)[number];
