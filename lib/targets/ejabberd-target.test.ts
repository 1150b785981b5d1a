import { describe, expect, test } from 'vitest';
import { EJABBERD_USERS_READY, ejabberdRegisterExpression, ejabberdVersionFrom, renderEjabberdConfig } from './ejabberd-config.ts';
import { CONTAINER_PORTS } from './container-target.ts';
import { ejabberdCapabilities, ejabberdContainerSpec, ejabberdListeners, ejabberdTarget } from './ejabberd-target.ts';

const users = [
  { username: 'harness', password: 'h' },
  { username: 'alice', password: 'a', publish: ['alice/#', 'users/%u/#'], subscribe: ['alice/#', 'public/#', 'users/%u/#'] },
  { username: 'bob', password: 'b', publish: ['bob/#', 'users/%u/#'], subscribe: ['bob/#', 'users/%u/#'] },
];
const pki = { caFile: '/p/ca.pem', serverCertFile: '/p/server.pem', serverKeyFile: '/p/server-key.pem' };

describe('ejabberd.yml', () => {
  const yml = renderEjabberdConfig({ bind: '127.0.0.1', ports: { plain: 1000, auth: 1001, tls: 1002, mtls: 1003 }, users });
  test('one mod_mqtt listener per port, internal auth only', () => {
    expect(yml.match(/module: mod_mqtt/g)).toHaveLength(2); // tls/mtls need the PKI
    expect(yml).toContain('  - port: 1000\n    ip: "127.0.0.1"\n    module: mod_mqtt');
    expect(yml).toContain('auth_method: [internal]');
    expect(yml).not.toContain('anonymous');
  });
  test('a filter shared by two users gets one rule allowing both; the harness user may use #', () => {
    expect(yml).toMatch(/mqtt_pub_\d+:\n {4}user: \["alice", "bob"\]/);
    expect(yml).toMatch(/ {6}"users\/%u\/#": mqtt_pub_\d+/);
    expect(yml).toMatch(/ {6}"#": mqtt_pub_1/);
    expect(yml).toMatch(/mqtt_pub_1:\n {4}user: \["harness"\]/);
  });
  test('topic maps sit under access_publish/access_subscribe (6-space indent), not under mod_mqtt', () => {
    const mod = yml.slice(yml.indexOf('modules:'));
    expect(mod).toMatch(/ {4}access_publish:\n( {6}".+": mqtt_pub_\d+\n)+ {4}access_subscribe:\n( {6}".+": mqtt_sub_\d+\n)+$/);
  });
  test('with a PKI: certfiles, ca_file, and tls_verify on the mtls listener only', () => {
    const tls = renderEjabberdConfig({ bind: '127.0.0.1', ports: { tls: 1002, mtls: 1003 }, users, pki });
    expect(tls).toContain('certfiles:\n  - "/p/server.pem"\n  - "/p/server-key.pem"\nca_file: "/p/ca.pem"');
    expect(tls.match(/tls: true/g)).toHaveLength(2);
    expect(tls.match(/tls_verify: true/g)).toHaveLength(1);
    expect(tls.indexOf('tls_verify')).toBeGreaterThan(tls.indexOf('# mtls'));
  });
});

describe('user registration expression', () => {
  test('registers every user on the host and prints the ready marker only if all succeed', () => {
    const e = ejabberdRegisterExpression(users);
    expect(e).toContain('ejabberd_auth:try_register(<<"alice"/utf8>>, <<"localhost"/utf8>>, <<"a"/utf8>>)');
    expect(e).toContain(EJABBERD_USERS_READY);
    expect(e.trim().endsWith('end.')).toBe(true);
  });
  test('quotes and backslashes in passwords are escaped for Erlang strings', () => {
    expect(ejabberdRegisterExpression([{ username: 'u', password: 'a"b\\c' }])).toContain('<<"a\\"b\\\\c"/utf8>>');
  });
});

describe('descriptor', () => {
  test('version from the start line', () => {
    expect(ejabberdVersionFrom('[info] ejabberd 23.01-1 is started in the node x@localhost in 1.50s')).toBe('23.01');
    expect(ejabberdVersionFrom("[info] ejabberd 24.12-3+deb13u2 is started in the node 'x@localhost' in 3.25s")).toBe('24.12');
  });
  test('listeners: plain and auth without a PKI, all four with one', () => {
    expect(ejabberdListeners(false)).toEqual(['plain', 'auth']);
    expect(ejabberdListeners(true)).toEqual(['plain', 'tls', 'mtls', 'auth']);
  });
  test('container spec: the local driver\'s config and VM for /harness, PKI copied in, fixed ports', () => {
    const spec = ejabberdContainerSpec(users, ['plain', 'auth']);
    expect(spec.files.map((f) => f.target)).toEqual(['/harness/ejabberd.yml']);
    expect(spec.files[0]!.content).toContain('ip: "0.0.0.0"');
    expect(spec.env).toMatchObject({ EJABBERD_CONFIG_PATH: '/harness/ejabberd.yml', HOME: '/harness', ERL_EPMD_ADDRESS: '127.0.0.1' });
    expect(spec.entrypoint.slice(0, 4)).toEqual(['sh', '-c', 'mkdir -p /harness/mnesia && exec erl "$@"', 'erl']);
    expect(spec.entrypoint.join(' ')).toContain('ejabberd_auth:try_register(<<"alice"/utf8>>');
    expect(spec.listenerPorts).toEqual({ plain: CONTAINER_PORTS.plain, auth: CONTAINER_PORTS.auth });
    const tls = ejabberdContainerSpec(users, ['plain', 'tls', 'mtls', 'auth'], { ca: 'CA', cert: 'CERT', key: 'KEY' });
    expect(tls.files.map((f) => f.target)).toEqual(['/harness/ejabberd.yml', '/harness/ca.pem', '/harness/server.pem', '/harness/server-key.pem']);
    expect(tls.files[0]!.content).toContain('ca_file: "/harness/ca.pem"');
    expect(tls.files[0]!.content).toContain('tls_verify: true');
  });
  test('capabilities: both protocol versions, no shared subscriptions, no CRL; pinned image', () => {
    expect(ejabberdCapabilities.protocols).toEqual(['3.1.1', '5']);
    expect(ejabberdCapabilities.sharedSubscriptions).toBe(false);
    expect(ejabberdCapabilities.crl).toBe(false);
    expect(ejabberdTarget.defaultImage).toMatch(/^localhost\/ejabberd:24\.12-trixie-[0-9a-f]{12}$/);
  });
});
