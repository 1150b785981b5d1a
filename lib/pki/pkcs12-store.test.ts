import { expect, test } from 'vitest';
import forge from 'node-forge';
import { pkcs12KeyStore } from './pkcs12-store.ts';

function selfSigned(cn: string) {
  const keys = forge.pki.rsa.generateKeyPair(1024);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date();
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  cert.setSubject([{ name: 'commonName', value: cn }]);
  cert.setIssuer([{ name: 'commonName', value: cn }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

test('the key store holds the key and the whole chain, readable with its password only', () => {
  const leaf = selfSigned('localhost');
  const ca = selfSigned('ca');
  const der = pkcs12KeyStore(leaf.certPem + ca.certPem, leaf.keyPem, 'pw');
  const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der.toString('binary')), 'pw');
  const certs = p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!]!;
  expect(certs.map((b) => b.cert!.subject.getField('CN').value)).toEqual(['localhost', 'ca']);
  expect(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!]).toHaveLength(1);
  expect(() => forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der.toString('binary')), 'wrong')).toThrow();
});

test('a chain without a certificate is refused', () => {
  expect(() => pkcs12KeyStore('', selfSigned('x').keyPem, 'pw')).toThrow(/no certificate/);
});
