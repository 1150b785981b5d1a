// Mutual TLS, broker side (mtls listener: require_certificate, CRL, certificate CN as user name).
import { describe } from 'vitest';
import { harness, requireCapability, requireListener } from '../support/harness.ts';
import { attemptConnect } from './connect-attempt.ts';
import { expectAccepted, expectRefused, requirePki, trustRunCa } from './tls-support.ts';
import { keyedTest } from '../support/keyed-test.ts';
import type { PkiSet } from '../../lib/pki/pki-set.ts';

const protocol = () => harness().protocols[0] ?? '3.1.1';

describe('mutual TLS', () => {
  // [key suffix, what, the client certificate, the capability the refusal needs]
  const REFUSED: [string, string, (p: PkiSet) => string | undefined, 'clientCertificates' | 'crl'][] = [
    ['no-certificate', 'a client without a certificate', () => undefined, 'clientCertificates'],
    ['foreign-ca', 'a client certificate from a foreign CA', (p) => p.clientForeignCaCert, 'clientCertificates'],
    ['expired', 'an expired client certificate', (p) => p.clientExpiredCert, 'clientCertificates'],
    ['not-yet-valid', 'a not-yet-valid client certificate', (p) => p.clientNotYetValidCert, 'clientCertificates'],
    ['revoked', 'a revoked client certificate (CRL)', (p) => p.clientRevokedCert, 'crl'],
  ];
  for (const [key, what, certOf, capability] of REFUSED) keyedTest(`tls.mutual-tls.${key}`, `refuses ${what}`, {}, async (ctx) => {
    requireCapability(ctx, 'clientCertificates');
    requireCapability(ctx, capability);
    const listener = requireListener(ctx, 'mtls');
    const pki = requirePki(ctx);
    const cert = certOf(pki);
    const r = await attemptConnect(listener, { protocol: protocol(), tls: trustRunCa(pki, cert ? { cert } : undefined) });
    expectRefused(ctx, r, 'no successful CONNACK; the connection closes (alert recorded)');
  });

  const ACCEPTED: [string, string, (p: PkiSet) => { cert: string; key?: string; passphrase?: string }][] = [
    ['valid-certificate', 'a valid client certificate', (p) => ({ cert: p.clientAliceCert })],
    ['encrypted-key-legacy-des3', 'a valid certificate whose key is encrypted (legacy PEM DES-EDE3-CBC) with its passphrase', (p) => ({ cert: p.clientAliceCert, key: p.clientKeyEncryptedLegacyDes3, passphrase: p.clientKeyPassphrase })],
    ['encrypted-key-pkcs8', 'a valid certificate whose key is encrypted (PKCS#8) with its passphrase', (p) => ({ cert: p.clientAliceCert, key: p.clientKeyEncryptedPkcs8, passphrase: p.clientKeyPassphrase })],
  ];
  for (const [key, what, clientOf] of ACCEPTED) keyedTest(`tls.mutual-tls.${key}`, `accepts ${what}`, {}, async (ctx) => {
    requireCapability(ctx, 'clientCertificates');
    const listener = requireListener(ctx, 'mtls');
    const pki = requirePki(ctx);
    expectAccepted(ctx, await attemptConnect(listener, { protocol: protocol(), tls: trustRunCa(pki, clientOf(pki)) }));
  });
});
