// Mutual TLS, broker side (mtls listener: require_certificate, CRL, certificate CN as user name).
import { describe, test } from 'vitest';
import { harness, requireCapability, requireListener } from '../support/harness.ts';
import { attemptConnect } from './connect-attempt.ts';
import { expectAccepted, expectRefused, requirePki, trustRunCa } from './tls-support.ts';
import type { PkiSet } from '../../lib/pki/pki-set.ts';

const protocol = () => harness().protocols[0] ?? '3.1.1';

describe('mutual TLS', () => {
  const REFUSED: [string, (p: PkiSet) => string | undefined, 'clientCertificates' | 'crl'][] = [
    ['a client without a certificate', () => undefined, 'clientCertificates'],
    ['a client certificate from a foreign CA', (p) => p.clientForeignCaCert, 'clientCertificates'],
    ['an expired client certificate', (p) => p.clientExpiredCert, 'clientCertificates'],
    ['a not-yet-valid client certificate', (p) => p.clientNotYetValidCert, 'clientCertificates'],
    ['a revoked client certificate (CRL)', (p) => p.clientRevokedCert, 'crl'],
  ];
  test.for(REFUSED)('refuses %s', async ([, certOf, capability], ctx) => {
    requireCapability(ctx, 'clientCertificates');
    requireCapability(ctx, capability);
    const listener = requireListener(ctx, 'mtls');
    const pki = requirePki(ctx);
    const cert = certOf(pki);
    const r = await attemptConnect(listener, { protocol: protocol(), tls: trustRunCa(pki, cert ? { cert } : undefined) });
    expectRefused(ctx, r, 'no successful CONNACK; the connection closes (alert recorded)');
  });

  const ACCEPTED: [string, (p: PkiSet) => { cert: string; key?: string; passphrase?: string }][] = [
    ['a valid client certificate', (p) => ({ cert: p.clientAliceCert })],
    ['a valid certificate whose key is encrypted (legacy PEM DES-EDE3-CBC) with its passphrase', (p) => ({ cert: p.clientAliceCert, key: p.clientKeyEncryptedLegacyDes3, passphrase: p.clientKeyPassphrase })],
    ['a valid certificate whose key is encrypted (PKCS#8) with its passphrase', (p) => ({ cert: p.clientAliceCert, key: p.clientKeyEncryptedPkcs8, passphrase: p.clientKeyPassphrase })],
  ];
  test.for(ACCEPTED)('accepts %s', async ([, clientOf], ctx) => {
    requireCapability(ctx, 'clientCertificates');
    const listener = requireListener(ctx, 'mtls');
    const pki = requirePki(ctx);
    expectAccepted(ctx, await attemptConnect(listener, { protocol: protocol(), tls: trustRunCa(pki, clientOf(pki)) }));
  });
});
