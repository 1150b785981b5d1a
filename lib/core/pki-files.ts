// The file paths of one per-run certificate set: the vocabulary the suites, drivers and the
// HarnessContext share. lib/pki generates the files; this only names them (plain strings, JSON-safe).

/** Server certificates a verifying client must reject, each for its own reason. */
export const BAD_SERVER_CERTS = ['wrong-host', 'expired', 'not-yet-valid', 'self-signed', 'fake-root'] as const;
export type BadServerCert = (typeof BAD_SERVER_CERTS)[number];

/** File paths of one generated set. Plain strings, so it travels in the HarnessContext as JSON. */
export interface PkiSet {
  dir: string;
  /** Trust anchor for clients and for the brokers' client-certificate check. */
  caRootCert: string;
  caIntermediateCert: string;
  /** Same subject DN as the root, different key. */
  caFakeRootCert: string;
  /** An unrelated CA: what "wrong CA" means for clients and for client certificates. */
  caForeignCert: string;
  /** Leaf + intermediate, as a broker serves it. */
  serverLocalhostChain: string;
  serverKey: string;
  /** `localhost` leaf issued directly by the foreign CA (a broker serving the wrong certificate). */
  serverForeignCaCert: string;
  badServerChains: Record<BadServerCert, string>;
  clientAliceCert: string;
  clientBobCert: string;
  /** Unencrypted key shared by every client-* certificate. */
  clientKey: string;
  clientKeyEncryptedLegacyDes3: string;
  clientKeyEncryptedPkcs8: string;
  clientKeyPassphrase: string;
  clientExpiredCert: string;
  clientNotYetValidCert: string;
  clientForeignCaCert: string;
  clientRevokedCert: string;
  /** Root CA's CRL, revoking client-revoked. */
  crlRoot: string;
  /** The foreign CA's CRL, revoking nothing (for a broker misconfigured to trust that CA). */
  crlForeign: string;
  generatedInMs: number;
}

