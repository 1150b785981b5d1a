import { describe, expect, test } from 'vitest';
import { aclEntries, activemqVersionFrom, renderActivemqXml, topicFilterToDestinations } from './activemq-config.ts';
import { activemqCapabilities, activemqContainerSpec, activemqJavaArgs, activemqListeners, activemqTarget } from './activemq-target.ts';
import { standardUsers } from './broker-users.ts';

const users = [{ username: 'harness', password: 'h&"<x' }, ...standardUsers()];
const stores = { keyStore: '/w/server.p12', trustStore: '/w/trust.p12', password: 'pw', crlFile: '/p/crl.pem' };

describe('MQTT topic filter → ActiveMQ destinations', () => {
  test('`/` is `.`, `+` is `*`; `a/#` covers `a` itself and everything below it', () => {
    expect(topicFilterToDestinations('a/b')).toEqual(['a.b']);
    expect(topicFilterToDestinations('a/+/c')).toEqual(['a.*.c']);
    expect(topicFilterToDestinations('alice/#')).toEqual(['alice', 'alice.>']);
    expect(topicFilterToDestinations('#')).toEqual(['>']);
  });
  test('the standard ACL: own groups per user, `%u` expanded, read-only public/#, harness everywhere', () => {
    const byTopic = Object.fromEntries(aclEntries(users).map((e) => [e.topic, { read: [...e.read], write: [...e.write] }]));
    expect(byTopic['>']).toEqual({ read: ['g-harness'], write: ['g-harness'] });
    expect(byTopic['alice.>']).toEqual({ read: ['g-alice'], write: ['g-alice'] });
    expect(byTopic['public.>']).toEqual({ read: ['g-alice'], write: [] });
    expect(byTopic['users.alice.>']).toEqual({ read: ['g-alice'], write: ['g-alice'] });
    expect(byTopic['users.bob.>']).toEqual({ read: ['g-bob'], write: ['g-bob'] });
    expect(Object.keys(byTopic).some((t) => t.includes('%u'))).toBe(false);
  });
});

describe('activemq.xml', () => {
  const xml = renderActivemqXml({ bind: '127.0.0.1', ports: { plain: 1000, auth: 1001, tls: 1002, mtls: 1003 }, users, dataDir: '/w/data', stores });
  test('four MQTT connectors on loopback; only mtls requires a client certificate', () => {
    expect(xml).toContain('uri="mqtt://127.0.0.1:1000"');
    expect(xml).toContain('uri="mqtt://127.0.0.1:1001"');
    expect(xml).toContain('uri="mqtt+ssl://127.0.0.1:1002"');
    expect(xml).toContain('uri="mqtt+ssl://127.0.0.1:1003?transport.needClientAuth=true"');
    expect(xml.match(/needClientAuth/g)).toHaveLength(1);
  });
  test('anonymous off, passwords XML-escaped, an empty right goes to a group nobody is in', () => {
    expect(xml).toContain('anonymousAccessAllowed="false"');
    expect(xml).toContain('password="h&amp;&quot;&lt;x"');
    expect(xml).toMatch(/topic="public\.&gt;" read="g-alice" write="nobody" admin="g-alice"/);
  });
  test('PKCS#12 stores and the CRL in one sslContext; without stores no TLS connector', () => {
    expect(xml).toContain('keyStore="file:/w/server.p12"');
    expect(xml).toContain('trustStoreType="pkcs12" crlPath="/p/crl.pem"');
    const plain = renderActivemqXml({ bind: '127.0.0.1', ports: { plain: 1000, tls: 1002 }, users, dataDir: '/w/data' });
    expect(plain).not.toContain('mqtt+ssl');
    expect(plain).not.toContain('sslContext');
  });
});

describe('descriptor', () => {
  test('MQTT 3.1.1 only, local driver by default, listeners without a PKI', () => {
    expect(activemqCapabilities.protocols).toEqual(['3.1.1']);
    expect(activemqTarget.defaultDriver).toBe('local');
    expect(activemqListeners(false)).toEqual(['plain', 'auth']);
  });
  test('java runs the instance from the work dir', () => {
    const args = activemqJavaArgs('/w', '/w/conf', '/w/data', '/w/conf/activemq.xml');
    expect(args).toContain('-Dactivemq.base=/w');
    expect(args).toContain('-Djava.io.tmpdir=/w');
    expect(args.slice(-2)).toEqual(['start', 'xbean:file:/w/conf/activemq.xml']);
  });
  test('version from the startup line', () => {
    expect(activemqVersionFrom('INFO  Apache ActiveMQ 5.17.2 (harness, ID:vm-1) is starting')).toBe('5.17.2');
    expect(activemqVersionFrom('nothing')).toBe('unknown');
  });
});

describe('container spec (an image with Debian\'s packages)', () => {
  const pems = { ca: 'CA-PEM', cert: '', key: '', crl: 'CRL-PEM' };
  test('without a PKI: config and log4j under /harness, fixed ports, the codec jars linked, java exec\'d', () => {
    const spec = activemqContainerSpec(users, activemqListeners(false));
    expect(spec.files.map((f) => f.target)).toEqual(['/harness/conf/activemq.xml', '/harness/conf/log4j.properties']);
    expect(spec.files[0]!.content).toContain('uri="mqtt://0.0.0.0:1883"');
    expect(spec.listenerPorts).toEqual({ plain: 1883, auth: 1884 });
    const script = spec.entrypoint[2]!;
    expect(script).toContain('ln -sf /usr/share/java/mqtt-client.jar /harness/lib/');
    expect(script).not.toContain('keytool');
    expect(script).toMatch(/&& exec java .*-Dactivemq\.base=\/harness .*start xbean:file:\/harness\/conf\/activemq\.xml$/);
  });
  test('with a PKI: key store copied in, trust store made by the image\'s keytool with the same password, CRL', async () => {
    const forge = (await import('node-forge')).default;
    const keys = forge.pki.rsa.generateKeyPair(1024);
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
    cert.setIssuer([{ name: 'commonName', value: 'localhost' }]);
    cert.sign(keys.privateKey);
    const spec = activemqContainerSpec(users, activemqListeners(true), { ...pems, cert: forge.pki.certificateToPem(cert), key: forge.pki.privateKeyToPem(keys.privateKey) });
    const targets = spec.files.map((f) => f.target);
    expect(targets).toEqual(expect.arrayContaining(['/harness/server.p12', '/harness/ca.pem', '/harness/crl.pem']));
    const xml = String(spec.files[0]!.content);
    const password = /keyStorePassword="([0-9a-f]+)"/.exec(xml)![1]!;
    expect(spec.entrypoint[2]).toContain(`-keystore /harness/trust.p12 -storetype PKCS12 -storepass ${password}`);
    expect(xml).toContain('crlPath="/harness/crl.pem"');
    expect(xml).toContain('uri="mqtt+ssl://0.0.0.0:8884?transport.needClientAuth=true"');
  });
  test('the image is pinned by name; MQTT_HARNESS_ACTIVEMQ_IMAGE names another', () => {
    expect(activemqTarget.defaultImage).toMatch(/^[\w./-]+:\d[\w.-]*$/);
  });
});
