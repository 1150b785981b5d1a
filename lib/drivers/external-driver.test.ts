import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { externalBroker, loadProfile } from './external-driver.ts';
import { ProfileError } from '../core/errors.ts';
import { certificateToPem, generateKeyPair, issueCertificate, privateKeyToPem, validity } from '../pki/certificate-builder.ts';
import { pkcs8EncryptedPem } from '../pki/encrypted-keys.ts';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

function profile(content: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'profile-test-'));
  dirs.push(dir);
  const file = path.join(dir, 'p.json');
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('external profile', () => {
  test('a valid profile becomes a started broker with its listeners', () => {
    const b = externalBroker(loadProfile(profile({ name: 'mine', listeners: { plain: 'mqtt://127.0.0.1:1883' }, protocols: ['3.1.1'] })));
    expect(b.listeners.plain).toMatchObject({ host: '127.0.0.1', port: 1883, tls: false });
    expect(b.capabilities.protocols).toEqual(['3.1.1']);
    expect(b.missingListeners.tls).toMatch(/not listed/);
  });

  test('listener objects carry transport, path and TLS material; secrets come from the environment', () => {
    const file = profile({ name: 'lab', listeners: {
      tls: { url: 'mqtts://10.0.0.5:8883', serverName: 'broker.example', alpn: ['mqtt'] },
      ws: 'ws://127.0.0.1:8080', wss: 'wss://localhost:8081/mqtt-ws',
    }, credentials: { username: 'u', passwordEnv: 'HARNESS_TEST_PROFILE_PASS' }, policy: { users: [{ username: 'a', password: 'p', read: ['a/#', 'pub/#'], write: ['a/#'] }] } });
    process.env.HARNESS_TEST_PROFILE_PASS = 'from-env';
    try {
      const p = loadProfile(file);
      const b = externalBroker(p);
      expect(b.listeners.tls).toMatchObject({ host: '10.0.0.5', port: 8883, tls: true, transport: 'mqtts', serverName: 'broker.example', alpn: ['mqtt'] });
      expect(b.listeners.ws).toMatchObject({ tls: false, transport: 'ws', path: '/mqtt' });
      expect(b.listeners.wss).toMatchObject({ tls: true, transport: 'wss', path: '/mqtt-ws' });
      expect(p.material?.credentials).toEqual({ username: 'u', password: 'from-env' });
      expect(p.material?.policy?.rules).toEqual([{ user: 'a', access: 'readwrite', topic: 'a/#' }, { user: 'a', access: 'read', topic: 'pub/#' }]);
    } finally {
      delete process.env.HARNESS_TEST_PROFILE_PASS;
    }
  });

  test.each([
    [{ listeners: { plain: 'mqtt://h:1' } }, /name is required/],
    [{ name: 'x', listeners: { plain: 'http://h:1' } }, /listeners\.plain must match/],
    [{ name: 'x', listeners: { plain: 'mqtt://h:1' }, protocols: ['4'] }, /protocols\.0 must be one of "3.1.1", "5"/],
    [{ name: 'x', listeners: { plain: 'mqtt://h:1' }, colour: 1 }, /colour is not a known field/],
    [{ name: 'x', listeners: { plain: 'mqtt://h:1' }, caFile: 'nope.pem' }, /caFile points to .*nope.pem, which cannot be read/],
    [{ name: 'x', listeners: { plain: 'mqtt://h:1' }, caFile: 'p.json' }, /caFile points to .*p.json, which is not a PEM certificate/],
    [{ name: 'x', listeners: { tls: 'mqtt://h:1' } }, /listeners\.tls must match/],
    [{ name: 'x', listeners: { tls: { url: 'ws://h:1/mqtt' } } }, /listeners\.tls\.url must match/],
    [{ name: 'x', listeners: { ws: 'wss://h:1/mqtt' } }, /listeners\.ws must match/],
    [{ name: 'x', listeners: { tls: { url: 'mqtts://h:1', sni: 'b' } } }, /listeners\.tls\.sni is not a known field/],
    [{ name: 'x', listeners: { tls: { url: 'mqtts://h:1', alpn: [] } } }, /listeners\.tls\.alpn must NOT have fewer than 1 items/],
    [{ name: 'x', listeners: { plain: 'mqtt://h:1' }, credentials: { username: 'u', passwordEnv: 'HARNESS_TEST_UNSET_VAR' } }, /credentials\.passwordEnv names the environment variable HARNESS_TEST_UNSET_VAR, which is not set/],
    [{ name: 'x', listeners: { plain: 'mqtt://h:1' }, credentials: { username: 'u' } }, /credentials\.password is required/],
    [{ name: 'x', listeners: { plain: 'mqtt://h:1' }, policy: { users: [{ username: 'a', passwordEnv: 'HARNESS_TEST_UNSET_VAR' }] } }, /policy\.users\.0\.passwordEnv names the environment variable HARNESS_TEST_UNSET_VAR/],
    [{ name: 'x', listeners: { plain: 'mqtt://h:1' }, negative: { revokedClientCertFile: 'r.crt' } }, /negative must have property revokedClientKeyFile/],
    [{ name: 'x', listeners: { plain: 'mqtt://h:1' }, clientCertFile: 'c.crt' }, /clientKeyFile is required when clientCertFile is given|clientCertFile points to/],
    [{ name: 'x', listeners: { plain: 'mqtt://h:1' }, extraListeners: { 'tls-bad-other': 'mqtts://h:1' } }, /extraListeners\.tls-bad-other is not a known field/],
    ['{ not json', /is not valid JSON/],
  ])('malformed profile %# names the field', (content, message) => {
    const file = profile(content);
    expect(() => loadProfile(file)).toThrow(ProfileError);
    expect(() => loadProfile(file)).toThrow(message);
  });

  test('an encrypted client key opens with the passphrase from the environment; a wrong one names the field', async () => {
    const key = await generateKeyPair();
    const cert = issueCertificate({ subjectCn: 'alice', role: 'client', publicKey: key.publicKey, selfKey: key, validity: validity('current') });
    const file = profile({ name: 'lab', listeners: { mtls: 'mqtts://localhost:8884' }, clientCertFile: 'c.crt', clientKeyFile: 'c.key', clientKeyPassphraseEnv: 'HARNESS_TEST_KEY_PASS' });
    fs.writeFileSync(path.join(path.dirname(file), 'c.crt'), certificateToPem(cert));
    fs.writeFileSync(path.join(path.dirname(file), 'c.key'), pkcs8EncryptedPem(privateKeyToPem(key.privateKey), 'right'));
    try {
      process.env.HARNESS_TEST_KEY_PASS = 'right';
      expect(loadProfile(file).material?.client).toMatchObject({ certFile: path.join(path.dirname(file), 'c.crt'), passphrase: 'right' });
      process.env.HARNESS_TEST_KEY_PASS = 'wrong';
      expect(() => loadProfile(file)).toThrow(/clientKeyFile points to .*c\.key, which is encrypted and clientKeyPassphrase \(or clientKeyPassphraseEnv\) does not open it/);
    } finally {
      delete process.env.HARNESS_TEST_KEY_PASS;
    }
  });
});
