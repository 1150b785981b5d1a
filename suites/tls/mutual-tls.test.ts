// Mutual TLS, broker side (mtls listener: require_certificate, CRL, certificate CN as user name).
// Managed brokers: the run's certificates. External brokers: the valid, expired, not-yet-valid and
// revoked certificates come from the operator's CA (profile); the foreign-CA and self-signed ones the
// harness makes itself, since no broker may trust them.
import { createPrivateKey } from 'node:crypto';
import fs from 'node:fs';
import forge from 'node-forge';
import { describe, type TestContext } from 'vitest';
import type tls from 'node:tls';
import { harness, notApplicable, requireCapability, requireListener } from '../support/harness.ts';
import { attemptConnect } from './connect-attempt.ts';
import { clientIdentity, expectAccepted, expectRefused, listenerTrust, presenting, type ClientCertCase } from './tls-support.ts';
import { keyedTest } from '../support/keyed-test.ts';
import { certificateToPem, generateKeyPair, issueCertificate, privateKeyToPem, validity } from '../../lib/pki/certificate-builder.ts';
import { legacyDes3Pem, pkcs8EncryptedPem } from '../../lib/pki/encrypted-keys.ts';
import { uniqueId } from '../../lib/mqtt/test-client.ts';

const protocol = () => harness().protocols[0] ?? '3.1.1';

/** A client certificate signed by its own key: no CA vouches for it. */
async function selfSigned(): Promise<tls.ConnectionOptions> {
  const key = await generateKeyPair();
  const cert = issueCertificate({ subjectCn: 'alice', role: 'client', publicKey: key.publicKey, selfKey: key, validity: validity('current') });
  return { cert: certificateToPem(cert), key: privateKeyToPem(key.privateKey) };
}

/** The valid identity with its key re-encrypted in `format` under a fresh passphrase. */
function encryptedKey(ctx: TestContext, format: 'legacy-des3' | 'pkcs8'): tls.ConnectionOptions {
  const id = clientIdentity(ctx, 'valid');
  const key = createPrivateKey({ key: fs.readFileSync(id.keyFile), ...(id.passphrase !== undefined ? { passphrase: id.passphrase } : {}) });
  const passphrase = uniqueId('pass');
  if (format === 'pkcs8') return { cert: fs.readFileSync(id.certFile), key: pkcs8EncryptedPem(key.export({ type: 'pkcs8', format: 'pem' }).toString(), passphrase), passphrase };
  // Legacy PEM encryption (Proc-Type/DEK-Info) exists for RSA keys only.
  if (key.asymmetricKeyType !== 'rsa') notApplicable(ctx, `the client key is ${key.asymmetricKeyType}; legacy PEM DES-EDE3-CBC encryption exists for RSA keys only`);
  const forgeKey = forge.pki.privateKeyFromPem(key.export({ type: 'pkcs1', format: 'pem' }).toString());
  return { cert: fs.readFileSync(id.certFile), key: legacyDes3Pem(forgeKey, passphrase), passphrase };
}

describe('mutual TLS', () => {
  // [key suffix, what, the client certificate (none, a case, or made here), the capability the refusal needs]
  const REFUSED: [string, string, ClientCertCase | 'none' | 'self-signed', 'clientCertificates' | 'crl'][] = [
    ['no-certificate', 'a client without a certificate', 'none', 'clientCertificates'],
    ['foreign-ca', 'a client certificate from a foreign CA', 'foreign-ca', 'clientCertificates'],
    ['self-signed', 'a self-signed client certificate', 'self-signed', 'clientCertificates'],
    ['expired', 'an expired client certificate', 'expired', 'clientCertificates'],
    ['not-yet-valid', 'a not-yet-valid client certificate', 'not-yet-valid', 'clientCertificates'],
    ['revoked', 'a revoked client certificate (CRL)', 'revoked', 'crl'],
  ];
  for (const [key, what, which, capability] of REFUSED) keyedTest(`tls.mutual-tls.${key}`, `refuses ${what}`, {}, async (ctx) => {
    requireCapability(ctx, 'clientCertificates');
    requireCapability(ctx, capability);
    const listener = requireListener(ctx, 'mtls');
    const client = which === 'none' ? {} : which === 'self-signed' ? await selfSigned() : presenting(clientIdentity(ctx, which));
    const r = await attemptConnect(listener, { protocol: protocol(), tls: { ...listenerTrust(ctx, listener), ...client } });
    expectRefused(ctx, r, 'no successful CONNACK; the connection closes (alert recorded)');
  });

  const ACCEPTED: [string, string, (ctx: TestContext) => tls.ConnectionOptions][] = [
    ['valid-certificate', 'a valid client certificate', (ctx) => presenting(clientIdentity(ctx, 'valid'))],
    ['encrypted-key-legacy-des3', 'a valid certificate whose key is encrypted (legacy PEM DES-EDE3-CBC) with its passphrase', (ctx) => encryptedKey(ctx, 'legacy-des3')],
    ['encrypted-key-pkcs8', 'a valid certificate whose key is encrypted (PKCS#8) with its passphrase', (ctx) => encryptedKey(ctx, 'pkcs8')],
  ];
  for (const [key, what, clientOf] of ACCEPTED) keyedTest(`tls.mutual-tls.${key}`, `accepts ${what}`, {}, async (ctx) => {
    requireCapability(ctx, 'clientCertificates');
    const listener = requireListener(ctx, 'mtls');
    expectAccepted(ctx, await attemptConnect(listener, { protocol: protocol(), tls: { ...listenerTrust(ctx, listener), ...clientOf(ctx) } }));
  });
});
