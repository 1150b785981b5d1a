// The per-run certificate set: one root CA and an intermediate, good and deliberately bad server
// certificates, client certificates for the standard test policy's users and for each refusal case,
// a CRL and passphrase-protected keys. Generated once per run into the run's temp directory (files
// 0600, nothing committed); every file's purpose is in its name.
import fs from 'node:fs';
import path from 'node:path';
import type forge from 'node-forge';
import {
  certificateToPem, generateKeyPair, issueCertificate, privateKeyToPem, validity, type KeyPair,
} from './certificate-builder.ts';
import { buildCrlPem } from './crl.ts';
import type { PkiPaths } from '../core/broker.ts';
import { BAD_SERVER_CERTS, type BadServerCert, type PkiSet } from '../core/pki-files.ts';
import { legacyDes3Pem, pkcs8EncryptedPem } from './encrypted-keys.ts';

export { BAD_SERVER_CERTS, type BadServerCert, type PkiSet } from '../core/pki-files.ts';

const ORG = 'mqtt-broker-harness test PKI';
const SERVER_NAMES = { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1', '::1'] };

export async function generatePkiSet(dir: string, now = Date.now()): Promise<PkiSet> {
  const t0 = performance.now();
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Two RSA-2048 keys, generated natively and concurrently (one per core). Key generation is ~90% of
  // the time and each extra key costs 0.3-1 s on this shared 2-core machine, so keys are shared: each
  // scenario differs from the good case in its certificate, not its key — with the one exception that
  // matters: the fake root's key is not the real root's. Verification never compares keys of
  // different certificates, so sharing does not change any verdict (checked by openssl in the test).
  const [rootKey, otherKey] = await Promise.all([generateKeyPair(), generateKeyPair()]) as KeyPair[];
  const intermediateKey = otherKey;
  const fakeRootKey = otherKey;
  const foreignKey = otherKey;
  const serverKey = otherKey;
  const clientKey = otherKey;
  const current = validity('current', now);

  const root = issueCertificate({ subjectCn: 'Harness Root CA', subjectO: ORG, role: 'root-ca', publicKey: rootKey!.publicKey, selfKey: rootKey!, validity: current });
  const intermediate = issueCertificate({ subjectCn: 'Harness Intermediate CA', subjectO: ORG, role: 'intermediate-ca', publicKey: intermediateKey!.publicKey, issuer: { cert: root, key: rootKey! }, validity: current });
  const fakeRoot = issueCertificate({ subjectCn: 'Harness Root CA', subjectO: ORG, role: 'root-ca', publicKey: fakeRootKey!.publicKey, selfKey: fakeRootKey!, validity: current });
  const foreign = issueCertificate({ subjectCn: 'Foreign CA', subjectO: 'somebody else', role: 'root-ca', publicKey: foreignKey!.publicKey, selfKey: foreignKey!, validity: current });

  const viaIntermediate = { cert: intermediate, key: intermediateKey! };
  const server = (cn: string, v = current, names: { dnsNames: string[]; ipAddresses: string[] } = SERVER_NAMES) =>
    issueCertificate({ subjectCn: cn, role: 'server', publicKey: serverKey!.publicKey, issuer: viaIntermediate, validity: v, ...names });
  const chain = (leaf: forge.pki.Certificate) => certificateToPem(leaf) + certificateToPem(intermediate);

  const viaRoot = { cert: root, key: rootKey! };
  const client = (cn: string, v = current, issuer = viaRoot) =>
    issueCertificate({ subjectCn: cn, role: 'client', publicKey: clientKey!.publicKey, issuer, validity: v });
  const revoked = client('alice', current);
  const passphrase = 'harness-key-passphrase';
  const clientKeyPem = privateKeyToPem(clientKey!.privateKey);

  const files: Record<string, string> = {
    'ca-root.crt': certificateToPem(root),
    'ca-intermediate.crt': certificateToPem(intermediate),
    'ca-fake-root-same-dn.crt': certificateToPem(fakeRoot),
    'ca-foreign.crt': certificateToPem(foreign),
    'server-localhost-chain.crt': chain(server('localhost')),
    'server-shared.key': privateKeyToPem(serverKey!.privateKey),
    'server-bad-wrong-host-chain.crt': chain(server('wrong.example.invalid', current, { dnsNames: ['wrong.example.invalid'], ipAddresses: ['192.0.2.1'] })),
    'server-bad-expired-chain.crt': chain(server('localhost', validity('expired', now))),
    'server-bad-not-yet-valid-chain.crt': chain(server('localhost', validity('not-yet-valid', now))),
    'server-bad-self-signed.crt': certificateToPem(issueCertificate({ subjectCn: 'localhost', role: 'server', publicKey: serverKey!.publicKey, selfKey: serverKey!, validity: current, ...SERVER_NAMES })),
    // Signed by the fake root without an authorityKeyIdentifier: a verifier finds the real root by
    // name and must then fail on the signature.
    'server-bad-fake-root-signed.crt': certificateToPem(issueCertificate({ subjectCn: 'localhost', role: 'server', publicKey: serverKey!.publicKey, issuer: { cert: fakeRoot, key: fakeRootKey! }, validity: current, omitAuthorityKeyId: true, ...SERVER_NAMES })),
    // Issued by the foreign CA for localhost: what a broker serves when its operator installed the
    // wrong certificate (the tls-foreign-server-cert misconfiguration; a client trusting that CA verifies it).
    'server-foreign-ca-signed.crt': certificateToPem(issueCertificate({ subjectCn: 'localhost', role: 'server', publicKey: serverKey!.publicKey, issuer: { cert: foreign, key: foreignKey! }, validity: current, ...SERVER_NAMES })),
    'client-alice-valid.crt': certificateToPem(client('alice')),
    'client-bob-valid.crt': certificateToPem(client('bob')),
    'client-shared.key': clientKeyPem,
    'client-shared-encrypted-legacy-des3.key': legacyDes3Pem(clientKey!.privateKey, passphrase),
    'client-shared-encrypted-pkcs8.key': pkcs8EncryptedPem(clientKeyPem, passphrase),
    'client-bad-expired.crt': certificateToPem(client('alice', validity('expired', now))),
    'client-bad-not-yet-valid.crt': certificateToPem(client('alice', validity('not-yet-valid', now))),
    'client-bad-foreign-ca.crt': certificateToPem(client('alice', current, { cert: foreign, key: foreignKey! })),
    'client-bad-revoked.crt': certificateToPem(revoked),
    // The foreign CA's own (empty) CRL: a broker that trusts that CA and checks CRLs needs one from it.
    'crl-foreign-empty.pem': buildCrlPem({ issuerCert: foreign, issuerKey: foreignKey!, revokedSerials: [], thisUpdate: current.notBefore, nextUpdate: current.notAfter, crlNumber: 1 }),
    'crl-root-revokes-client-bad-revoked.pem': buildCrlPem({
      issuerCert: root, issuerKey: rootKey!, revokedSerials: [revoked.serialNumber],
      thisUpdate: current.notBefore, nextUpdate: current.notAfter, crlNumber: 1,
    }),
  };
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content, { mode: 0o600 });
  const p = (name: string) => path.join(dir, name);
  return {
    dir,
    caRootCert: p('ca-root.crt'),
    caIntermediateCert: p('ca-intermediate.crt'),
    caFakeRootCert: p('ca-fake-root-same-dn.crt'),
    caForeignCert: p('ca-foreign.crt'),
    serverLocalhostChain: p('server-localhost-chain.crt'),
    serverForeignCaCert: p('server-foreign-ca-signed.crt'),
    serverKey: p('server-shared.key'),
    badServerChains: {
      'wrong-host': p('server-bad-wrong-host-chain.crt'),
      expired: p('server-bad-expired-chain.crt'),
      'not-yet-valid': p('server-bad-not-yet-valid-chain.crt'),
      'self-signed': p('server-bad-self-signed.crt'),
      'fake-root': p('server-bad-fake-root-signed.crt'),
    },
    clientAliceCert: p('client-alice-valid.crt'),
    clientBobCert: p('client-bob-valid.crt'),
    clientKey: p('client-shared.key'),
    clientKeyEncryptedLegacyDes3: p('client-shared-encrypted-legacy-des3.key'),
    clientKeyEncryptedPkcs8: p('client-shared-encrypted-pkcs8.key'),
    clientKeyPassphrase: passphrase,
    clientExpiredCert: p('client-bad-expired.crt'),
    clientNotYetValidCert: p('client-bad-not-yet-valid.crt'),
    clientForeignCaCert: p('client-bad-foreign-ca.crt'),
    clientRevokedCert: p('client-bad-revoked.crt'),
    crlRoot: p('crl-root-revokes-client-bad-revoked.pem'),
    crlForeign: p('crl-foreign-empty.pem'),
    generatedInMs: Math.round(performance.now() - t0),
  };
}

/** What a broker needs from the set: its certificates, the client-trust CA and the CRL. */
export function brokerPkiPaths(set: PkiSet): PkiPaths {
  return {
    caFile: set.caRootCert,
    serverCertFile: set.serverLocalhostChain,
    serverKeyFile: set.serverKey,
    crlFile: set.crlRoot,
    badServerCerts: { ...set.badServerChains },
    expiredServerCertFile: set.badServerChains.expired,
    foreignCaFile: set.caForeignCert,
    foreignCrlFile: set.crlForeign,
    foreignServerCertFile: set.serverForeignCaCert,
  };
}
