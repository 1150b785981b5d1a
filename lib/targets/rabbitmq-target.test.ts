import { describe, expect, test } from 'vitest';
import {
  rabbitmqEnv,
  rabbitmqPasswordHash,
  rabbitmqVersionFrom,
  renderRabbitmqConfig,
  renderRabbitmqDefinitions,
  topicFilterToRoutingKeyRegex,
} from './rabbitmq-config.ts';
import { CONTAINER_PORTS } from './container-target.ts';
import { rabbitmqCapabilities, rabbitmqContainerSpec, rabbitmqListeners, rabbitmqTarget } from './rabbitmq-target.ts';

const pki = { caFile: '/p/ca.pem', serverCertFile: '/p/server.pem', serverKeyFile: '/p/server-key.pem' };

describe('rabbitmq password hash', () => {
  test('matches the worked example in the RabbitMQ docs (salt 908DC60A, password test12)', () => {
    expect(rabbitmqPasswordHash('test12', Buffer.from('908DC60A', 'hex'))).toBe('kI3GCqW5JLMJa4iX1lo7X4D6XbYqlLgxIs30+P6tENUV2POR');
  });
  test('a fresh salt each time: same password, different hashes', () => {
    expect(rabbitmqPasswordHash('x')).not.toBe(rabbitmqPasswordHash('x'));
  });
});

describe('topic filter → routing-key regex', () => {
  const m = (filter: string, key: string) => new RegExp(topicFilterToRoutingKeyRegex(filter)).test(key);
  test('`alice/#` covers alice and below, not a sibling prefix', () => {
    expect(m('alice/#', 'alice')).toBe(true);
    expect(m('alice/#', 'alice.x.y')).toBe(true);
    expect(m('alice/#', 'alice.#')).toBe(true);
    expect(m('alice/#', 'alicex.y')).toBe(false);
    expect(m('alice/#', 'bob.x')).toBe(false);
  });
  test('`+` is one level; exact filters are exact; `#` alone is everything', () => {
    expect(m('a/+/c', 'a.b.c')).toBe(true);
    expect(m('a/+/c', 'a.b.d.c')).toBe(false);
    expect(m('a/b', 'a.b')).toBe(true);
    expect(m('a/b', 'a.b.c')).toBe(false);
    expect(m('#', 'anything.at.all')).toBe(true);
  });
  test('`%u` becomes RabbitMQ\'s {username} variable', () => {
    expect(topicFilterToRoutingKeyRegex('users/%u/#')).toBe('^users\\.{username}(\\..*)?$');
  });
});

describe('rabbitmq.conf', () => {
  test('plain and auth listeners on loopback, anonymous off, definitions loaded, no AMQP', () => {
    const conf = renderRabbitmqConfig({ bind: '127.0.0.1', ports: { plain: 1000, auth: 1001 }, definitionsFile: '/w/defs.json' });
    expect(conf).toContain('mqtt.listeners.tcp.1 = 127.0.0.1:1000');
    expect(conf).toContain('mqtt.listeners.tcp.2 = 127.0.0.1:1001');
    expect(conf).toContain('mqtt.allow_anonymous = false');
    expect(conf).toContain('load_definitions = /w/defs.json');
    expect(conf).toContain('listeners.tcp = none');
    expect(conf).not.toContain('ssl_options');
  });
  test('tls listener without client certificates', () => {
    const conf = renderRabbitmqConfig({ bind: '0.0.0.0', ports: { tls: 8883 }, definitionsFile: 'd', pki });
    expect(conf).toContain('mqtt.listeners.ssl.1 = 0.0.0.0:8883');
    expect(conf).toContain('ssl_options.verify = verify_none');
    expect(conf).toContain('ssl_options.cacertfile = /p/ca.pem');
  });
  test('mtls listener requires a certificate and logs in by its CN', () => {
    const conf = renderRabbitmqConfig({ bind: '0.0.0.0', ports: { mtls: 8884 }, definitionsFile: 'd', pki });
    expect(conf).toContain('ssl_options.fail_if_no_peer_cert = true');
    expect(conf).toContain('mqtt.ssl_cert_login = true');
  });
  test('refuses tls and mtls on one node: ssl_options are node-wide', () => {
    expect(() => renderRabbitmqConfig({ bind: 'x', ports: { tls: 1, mtls: 2 }, definitionsFile: 'd', pki })).toThrow(/node-wide/);
  });
});

describe('definitions', () => {
  const defs = renderRabbitmqDefinitions([
    { username: 'harness', password: 'h' },
    { username: 'alice', password: 'a', publish: ['alice/#'], subscribe: ['alice/#', 'public/#'] },
    { username: 'nobody', password: 'n', publish: [], subscribe: [] },
  ], Buffer.from('00000000', 'hex'));
  test('users carry a sha256 hash, never the password', () => {
    expect(defs.users.map((u) => u.name)).toEqual(['harness', 'alice', 'nobody']);
    expect(defs.users[1]!.hashing_algorithm).toBe('rabbit_password_hashing_sha256');
    expect(JSON.stringify(defs)).not.toContain('"a"');
  });
  test('topic permissions only for restricted users; an empty list allows nothing', () => {
    expect(defs.topic_permissions.map((p) => p.user)).toEqual(['alice', 'nobody']);
    expect(defs.topic_permissions[0]).toMatchObject({ exchange: 'amq.topic', write: '(^alice(\\..*)?$)' });
    expect(defs.topic_permissions[1]).toMatchObject({ write: '^$', read: '^$' });
  });
});

describe('local environment and container spec', () => {
  test('env keeps everything in the work dir and epmd/distribution on loopback', () => {
    const env = rabbitmqEnv({
      home: '/w/home', nodeName: 'n@localhost', nodePort: 1, distPort: 2, configFile: '/w/r.conf', confEnvFile: '/w/env',
      enabledPluginsFile: '/w/plugins', mnesiaBase: '/w/m', logBase: '/w/l', epmdEnv: { ERL_EPMD_ADDRESS: '127.0.0.1', ERL_EPMD_PORT: '3' },
    });
    expect(env).toMatchObject({ HOME: '/w/home', RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1', ERL_EPMD_ADDRESS: '127.0.0.1', ERL_EPMD_PORT: '3' });
    expect(env.RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS).toContain('inet_dist_use_interface {127,0,0,1}');
  });
  test('container spec: config, definitions and plugins under /etc/rabbitmq, fixed ports', () => {
    const spec = rabbitmqContainerSpec([{ username: 'u', password: 'p' }], rabbitmqListeners(false));
    expect(spec.files.map((f) => f.target)).toEqual(['/etc/rabbitmq/rabbitmq.conf', '/etc/rabbitmq/definitions.json', '/etc/rabbitmq/enabled_plugins']);
    expect(spec.files[2]!.content).toBe('[rabbitmq_mqtt].\n');
    expect(spec.listenerPorts).toEqual({ plain: CONTAINER_PORTS.plain, auth: CONTAINER_PORTS.auth });
    expect(spec.env.RABBITMQ_CONFIG_FILE).toBe('/etc/rabbitmq/rabbitmq.conf');
  });
  test('declares MQTT 3.1.1 only and QoS up to 1, with a pinned image', () => {
    expect(rabbitmqCapabilities.protocols).toEqual(['3.1.1']);
    expect(rabbitmqCapabilities.maxQos).toBe(1);
    expect(rabbitmqTarget.defaultImage).toMatch(/^rabbitmq:\d+\.\d+\.\d+$/);
  });
  test('version from the startup banner', () => {
    expect(rabbitmqVersionFrom('2026-11-21 [info] <0.223.0>  Starting RabbitMQ 3.10.8 on Erlang 25.2.3 [jit]')).toBe('3.10.8');
    expect(rabbitmqVersionFrom('nothing')).toBe('unknown');
  });
});
