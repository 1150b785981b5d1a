// A PKCS#12 key store (private key + certificate chain) from the run's PEM files, for brokers that
// read Java key stores (ActiveMQ). Made per run, like the PEM files it comes from; never committed.
import forge from 'node-forge';

/** DER bytes of a PKCS#12 file holding `keyPem` and the certificates in `chainPem` (leaf first). */
export function pkcs12KeyStore(chainPem: string, keyPem: string, password: string, friendlyName = 'server'): Buffer {
  const key = forge.pki.privateKeyFromPem(keyPem);
  const certs = chainPem.split(/(?=-----BEGIN CERTIFICATE-----)/).filter((p) => p.includes('BEGIN CERTIFICATE')).map((p) => forge.pki.certificateFromPem(p));
  if (!certs.length) throw new Error('no certificate in the chain given for the PKCS#12 key store');
  // AES-256 and SHA-256 (Java 17 reads them); forge's default 3DES is for old readers only.
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certs, password, { algorithm: 'aes256', friendlyName, generateLocalKeyId: true });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}
