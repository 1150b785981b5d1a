// A v2 X.509 CRL (RFC 5280 §5) built with forge's ASN.1 module: forge can sign certificates but has no
// CRL builder. Brokers and `openssl verify -crl_check` read the PEM ("X509 CRL").
import forge from 'node-forge';
import { nativeSigner, type KeyPair } from './certificate-builder.ts';

const { asn1 } = forge;
const T = asn1.Type;
const C = asn1.Class;

export interface CrlInput {
  issuerCert: forge.pki.Certificate;
  issuerKey: KeyPair;
  /** Hex serial numbers of the revoked certificates. */
  revokedSerials: string[];
  thisUpdate: Date;
  nextUpdate: Date;
  crlNumber: number;
}

const time = (d: Date) => asn1.create(C.UNIVERSAL, T.UTCTIME, false, asn1.dateToUtcTime(d));
const integerFromHex = (hex: string) => asn1.create(C.UNIVERSAL, T.INTEGER, false, forge.util.hexToBytes(hex));

function sha256WithRsa(): forge.asn1.Asn1 {
  return asn1.create(C.UNIVERSAL, T.SEQUENCE, true, [
    asn1.create(C.UNIVERSAL, T.OID, false, asn1.oidToDer(forge.pki.oids.sha256WithRSAEncryption!).getBytes()),
    asn1.create(C.UNIVERSAL, T.NULL, false, ''),
  ]);
}

export function buildCrlPem(input: CrlInput): string {
  const revoked = input.revokedSerials.map((serial) => asn1.create(C.UNIVERSAL, T.SEQUENCE, true, [
    integerFromHex(serial),
    time(input.thisUpdate),
  ]));
  // cRLNumber (2.5.29.20) is required in a conforming CRL (RFC 5280 §5.2.3).
  const crlNumber = asn1.create(C.UNIVERSAL, T.SEQUENCE, true, [
    asn1.create(C.UNIVERSAL, T.OID, false, asn1.oidToDer('2.5.29.20').getBytes()),
    asn1.create(C.UNIVERSAL, T.OCTETSTRING, false,
      asn1.toDer(asn1.create(C.UNIVERSAL, T.INTEGER, false, asn1.integerToDer(input.crlNumber).getBytes())).getBytes()),
  ]);
  const tbs = asn1.create(C.UNIVERSAL, T.SEQUENCE, true, [
    asn1.create(C.UNIVERSAL, T.INTEGER, false, asn1.integerToDer(1).getBytes()), // v2
    sha256WithRsa(),
    forge.pki.distinguishedNameToAsn1(input.issuerCert.subject),
    time(input.thisUpdate),
    time(input.nextUpdate),
    asn1.create(C.UNIVERSAL, T.SEQUENCE, true, revoked),
    asn1.create(C.CONTEXT_SPECIFIC, 0, true, [asn1.create(C.UNIVERSAL, T.SEQUENCE, true, [crlNumber])]),
  ]);
  const md = forge.md.sha256.create();
  md.update(asn1.toDer(tbs).getBytes());
  const signature = nativeSigner(input.issuerKey).sign(md);
  const crl = asn1.create(C.UNIVERSAL, T.SEQUENCE, true, [
    tbs,
    sha256WithRsa(),
    asn1.create(C.UNIVERSAL, T.BITSTRING, false, String.fromCharCode(0) + signature),
  ]);
  return forge.pem.encode({ type: 'X509 CRL', body: asn1.toDer(crl).getBytes() });
}
