import { describe, expect, test } from 'vitest';
import forge from 'node-forge';
import { certificateIssues } from './certificate-quality.ts';
import { generateKeyPair, issueCertificate, validity } from './certificate-builder.ts';

const DAY_MS = 24 * 3_600_000;
const der = (c: forge.pki.Certificate) => Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(c)).getBytes(), 'binary');

describe('server certificate quality', () => {
  test('a current 2048-bit SHA-256 certificate with SAN has no issue but its short life', async () => {
    const key = await generateKeyPair();
    const cert = issueCertificate({ subjectCn: 'localhost', role: 'server', publicKey: key.publicKey, selfKey: key, validity: validity('current'), dnsNames: ['localhost'] });
    expect(certificateIssues(der(cert)).issues.map((i) => i.issue)).toEqual(['expires within 30 days']);
    expect(certificateIssues(der(cert), Date.now() - 60 * DAY_MS).issues).toEqual([]);
  });

  test('expired, 1024-bit, SHA-1, no subjectAltName: every issue named', async () => {
    const key = await generateKeyPair(1024);
    const cert = forge.pki.createCertificate();
    cert.publicKey = key.publicKey;
    cert.serialNumber = '01';
    cert.validity.notBefore = new Date(Date.now() - 10 * DAY_MS);
    cert.validity.notAfter = new Date(Date.now() - DAY_MS);
    cert.setSubject([{ name: 'commonName', value: 'old' }]);
    cert.setIssuer([{ name: 'commonName', value: 'old' }]);
    cert.sign(key.privateKey as forge.pki.rsa.PrivateKey, forge.md.sha1.create());
    expect(certificateIssues(der(cert)).issues.map((i) => i.issue)).toEqual(['expired', 'RSA key under 2048 bits', 'SHA-1 signature', 'no subjectAltName']);
  });
});
