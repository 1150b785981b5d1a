// A client key protected by a passphrase, in the two formats clients meet in practice.
import forge from 'node-forge';
import { createPrivateKey } from 'node:crypto';

/** Legacy OpenSSL PEM: `Proc-Type: 4,ENCRYPTED` + `DEK-Info: DES-EDE3-CBC`, as `openssl genrsa -des3` writes. */
export function legacyDes3Pem(key: forge.pki.PrivateKey, passphrase: string): string {
  return forge.pki.encryptRsaPrivateKey(key, passphrase, { legacy: true, algorithm: '3des' });
}

/** PKCS#8 EncryptedPrivateKeyInfo (PBES2, AES-256-CBC), via Node's native OpenSSL. */
export function pkcs8EncryptedPem(keyPem: string, passphrase: string): string {
  return createPrivateKey(keyPem).export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase }).toString();
}
