// node-forge helpers that issue one X.509 v3 certificate. Keys come from Node's native generator
// (forge's callback form delegates to crypto.generateKeyPair); pure-JS generation is 15–30× slower.
import forge from 'node-forge';
import { constants, createPrivateKey, privateEncrypt, randomBytes, type KeyObject } from 'node:crypto';

/** A forge key pair plus the same private key as a native KeyObject, which does the signing. */
export interface KeyPair {
  publicKey: forge.pki.PublicKey;
  privateKey: forge.pki.PrivateKey;
  native: KeyObject;
}

export function generateKeyPair(bits = 2048): Promise<KeyPair> {
  return new Promise((resolve, reject) => {
    forge.pki.rsa.generateKeyPair({ bits, e: 0x10001 }, (err, pair) => {
      if (err) return reject(err);
      resolve({ ...pair, native: createPrivateKey(forge.pki.privateKeyToPem(pair.privateKey)) });
    });
  });
}

// DER prefix of DigestInfo{sha256} (RFC 8017 §9.2 note 1): prepended to the digest, it is what a
// PKCS#1 v1.5 signature encrypts with the private key.
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/**
 * forge signs with pure-JS big-integer arithmetic (~50 ms per 2048-bit signature here); this signer
 * hands forge's computed digest to native OpenSSL instead, keeping the whole set under 1.5 s.
 */
export function nativeSigner(key: KeyPair): { sign(md: forge.md.MessageDigest): string } {
  return {
    sign(md) {
      const digest = Buffer.from(md.digest().getBytes(), 'binary');
      const sig = privateEncrypt({ key: key.native, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([SHA256_DIGEST_INFO, digest]));
      return sig.toString('binary');
    },
  };
}

/** RFC 5280 4.1.2.2: a positive integer of up to 20 octets; the first bit clear keeps it positive. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Validity windows relative to `now`, one per scenario. */
export function validity(kind: 'current' | 'expired' | 'not-yet-valid', now = Date.now()): Validity {
  switch (kind) {
    case 'current': return { notBefore: new Date(now - HOUR_MS), notAfter: new Date(now + 2 * DAY_MS) };
    case 'expired': return { notBefore: new Date(now - 30 * DAY_MS), notAfter: new Date(now - DAY_MS) };
    case 'not-yet-valid': return { notBefore: new Date(now + DAY_MS), notAfter: new Date(now + 30 * DAY_MS) };
  }
}

export type Role = 'root-ca' | 'intermediate-ca' | 'server' | 'client';

export interface IssueInput {
  subjectCn: string;
  /** Organisation in the subject, so a fake root can copy the real root's DN exactly. */
  subjectO?: string;
  role: Role;
  publicKey: forge.pki.PublicKey;
  /** Issuer certificate and key; absent = self-signed with `selfKey`. */
  issuer?: { cert: forge.pki.Certificate; key: KeyPair };
  selfKey?: KeyPair;
  validity: Validity;
  /** DNS names and IP addresses for a server certificate's subjectAltName. */
  dnsNames?: string[];
  ipAddresses?: string[];
  /** Leave out authorityKeyIdentifier, so a verifier matches the issuer by name only (fake root). */
  omitAuthorityKeyId?: boolean;
}

function extensionsFor(input: IssueInput, issuerSki: string | undefined): object[] {
  const ext: object[] = [];
  switch (input.role) {
    case 'root-ca':
      ext.push({ name: 'basicConstraints', cA: true, critical: true });
      ext.push({ name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true });
      break;
    case 'intermediate-ca':
      ext.push({ name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true });
      ext.push({ name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true });
      break;
    case 'server':
      ext.push({ name: 'basicConstraints', cA: false });
      ext.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true });
      ext.push({ name: 'extKeyUsage', serverAuth: true });
      ext.push({
        name: 'subjectAltName',
        altNames: [
          ...(input.dnsNames ?? []).map((value) => ({ type: 2, value })),
          ...(input.ipAddresses ?? []).map((ip) => ({ type: 7, ip })),
        ],
      });
      break;
    case 'client':
      ext.push({ name: 'basicConstraints', cA: false });
      ext.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true });
      ext.push({ name: 'extKeyUsage', clientAuth: true });
      break;
  }
  ext.push({ name: 'subjectKeyIdentifier' });
  if (issuerSki && !input.omitAuthorityKeyId) ext.push({ name: 'authorityKeyIdentifier', keyIdentifier: issuerSki });
  return ext;
}

export function issueCertificate(input: IssueInput): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = input.publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = input.validity.notBefore;
  cert.validity.notAfter = input.validity.notAfter;
  const subject = [{ name: 'commonName', value: input.subjectCn }, ...(input.subjectO ? [{ name: 'organizationName', value: input.subjectO }] : [])];
  cert.setSubject(subject);
  cert.setIssuer(input.issuer ? input.issuer.cert.subject.attributes : subject);
  const issuerSki = input.issuer ? input.issuer.cert.generateSubjectKeyIdentifier().getBytes() : undefined;
  cert.setExtensions(extensionsFor(input, issuerSki));
  const signingKey = input.issuer?.key ?? input.selfKey;
  if (!signingKey) throw new Error(`certificate ${input.subjectCn}: no issuer and no self-signing key`);
  // forge only calls key.sign(md); the native signer satisfies that contract.
  cert.sign(nativeSigner(signingKey) as unknown as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return cert;
}

export const certificateToPem = (c: forge.pki.Certificate): string => forge.pki.certificateToPem(c);
export const privateKeyToPem = (k: forge.pki.PrivateKey): string => forge.pki.privateKeyToPem(k);
