// What makes a served server certificate a finding even when a client accepts it: expired or about to
// expire, an RSA key under 2048 bits, a SHA-1 signature, no subjectAltName (RFC 6125: clients match
// names in the SAN; CN matching is deprecated). Pure: a certificate and a clock in, issues out.
import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';

export const CERTIFICATE_ISSUES = ['expired', 'expires within 30 days', 'RSA key under 2048 bits', 'SHA-1 signature', 'no subjectAltName'] as const;
export type CertificateIssue = (typeof CERTIFICATE_ISSUES)[number];

const SOON_MS = 30 * 24 * 3_600_000;
/** sha1WithRSAEncryption, ecdsa-with-SHA1, dsa-with-sha1. */
const SHA1_SIGNATURES = new Set(['1.2.840.113549.1.1.5', '1.2.840.10045.4.1', '1.2.840.10040.4.3']);

/** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm AlgorithmIdentifier, signature }. */
function signatureOid(der: Buffer): string {
  const cert = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')));
  const algorithm = (cert.value as forge.asn1.Asn1[])[1]!;
  return forge.asn1.derToOid((algorithm.value as forge.asn1.Asn1[])[0]!.value as string);
}

export interface CertificateReport {
  subject: string;
  validTo: string;
  issues: { issue: CertificateIssue; detail: string }[];
}

export function certificateIssues(der: Buffer, now = Date.now()): CertificateReport {
  const x = new X509Certificate(der);
  const issues: CertificateReport['issues'] = [];
  const notAfter = new Date(x.validTo).getTime();
  if (notAfter < now) issues.push({ issue: 'expired', detail: `expired ${x.validTo}` });
  else if (notAfter - now < SOON_MS) issues.push({ issue: 'expires within 30 days', detail: `expires ${x.validTo}` });
  const bits = x.publicKey.asymmetricKeyDetails?.modulusLength;
  if (x.publicKey.asymmetricKeyType === 'rsa' && bits !== undefined && bits < 2048) issues.push({ issue: 'RSA key under 2048 bits', detail: `RSA ${bits} bits` });
  const oid = signatureOid(der);
  if (SHA1_SIGNATURES.has(oid)) issues.push({ issue: 'SHA-1 signature', detail: `signature algorithm ${oid}` });
  if (!x.subjectAltName) issues.push({ issue: 'no subjectAltName', detail: 'no subjectAltName extension' });
  return { subject: x.subject.replaceAll('\n', ', '), validTo: x.validTo, issues };
}
