// The id → key migration on a synthetic results file: exact ids, `*` prefixes per protocol,
// entries without protocol, already-keyed entries, and entries no test matches.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { ROOT } from '../core/paths.ts';
import { migrateExpectations, type IdKeyPair, type MixedExpectationsFile } from './expectations-migration.ts';
import { readExpectationsFile } from './expectations.ts';

const tests: IdKeyPair[] = [
  { id: 'conformance/v5-flow-control › [MQTT-3.3.4-9] stops at Receive Maximum (QoS 1)', key: 'v5.flow-control.receive-maximum-qos1', protocol: '5' },
  { id: 'conformance/v5-flow-control › [MQTT-3.3.4-9] stops at Receive Maximum (QoS 2)', key: 'v5.flow-control.receive-maximum-qos2', protocol: '5' },
  { id: 'conformance/v5-flow-control › [MQTT-3.3.4-9] stops at Receive Maximum (QoS 1)', key: 'v5.flow-control.receive-maximum-qos1', protocol: '5' }, // second target
  { id: 'conformance/v5-flow-control › [MQTT-3.3.4-10] other', key: 'v5.flow-control.other', protocol: '5' },
  { id: 'conformance/connect › [MQTT-3.1.2-2] refuses protocol level 9', key: 'connect.bad-protocol-level', protocol: '3.1.1' },
  { id: 'conformance/connect › [MQTT-3.1.2-2] refuses protocol level 9', key: 'connect.bad-protocol-level', protocol: '5' },
  { id: 'tls/mutual-tls › mutual TLS › refuses a client without a certificate', key: 'tls.mutual-tls.no-certificate', protocol: '3.1.1' },
  { id: 'tls/mutual-tls › mutual TLS › refuses a client without a certificate', key: 'tls.mutual-tls.no-certificate', protocol: '5' },
];

const source: MixedExpectationsFile = { target: 'mosquitto', deviations: [
  { id: 'conformance/v5-flow-control › [MQTT-3.3.4-9]*', protocol: '5', spec: ['MQTT-3.3.4-9'], reason: 'prefix', brokerVersion: '2.0.11' },
  { id: 'conformance/connect › [MQTT-3.1.2-2] refuses protocol level 9', protocol: '3.1.1', reason: 'exact, 3.1.1 only' },
  { id: 'tls/mutual-tls › mutual TLS › refuses a client without a certificate', protocol: null, reason: 'every protocol' },
  { key: 'auth.acl.user-pattern', protocol: '5', reason: 'already keyed' },
  { id: 'conformance/v5-flow-control › [MQTT-3.3.4-9] stops at Receive Maximum (QoS 2)', protocol: '5', reason: 'shadowed by the prefix entry above' },
  { id: 'conformance/connect › renamed since', protocol: '3.1.1', reason: 'gone' },
  { id: 'conformance/v5-flow-control › [MQTT-3.3.4-9]*', protocol: '3.1.1', reason: 'prefix with no test under this protocol' },
] };

test('exact and prefix ids become one entry per key, per protocol, keeping spec/reason/brokerVersion; unmapped ones are returned', () => {
  const { file, unmapped } = migrateExpectations(source, tests);
  expect(file).toEqual({ target: 'mosquitto', deviations: [
    { key: 'v5.flow-control.receive-maximum-qos1', protocol: '5', spec: ['MQTT-3.3.4-9'], reason: 'prefix', brokerVersion: '2.0.11' },
    { key: 'v5.flow-control.receive-maximum-qos2', protocol: '5', spec: ['MQTT-3.3.4-9'], reason: 'prefix', brokerVersion: '2.0.11' },
    { key: 'connect.bad-protocol-level', protocol: '3.1.1', reason: 'exact, 3.1.1 only' },
    { key: 'tls.mutual-tls.no-certificate', protocol: null, reason: 'every protocol' },
    { key: 'auth.acl.user-pattern', protocol: '5', reason: 'already keyed' },
  ] });
  expect(unmapped.map((e) => e.reason)).toEqual(['gone', 'prefix with no test under this protocol']);
  expect(JSON.stringify(file)).not.toContain('"id"');
});

test('running it twice changes nothing', () => {
  const once = migrateExpectations(source, tests).file;
  expect(migrateExpectations(once, tests)).toEqual({ file: once, unmapped: [] });
});

test('a migrated file does not load until it is triaged: each entry needs its version range and expected failure', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrated-'));
  try {
    const file = path.join(dir, 'mosquitto.json');
    fs.writeFileSync(file, JSON.stringify(migrateExpectations(source, tests).file));
    expect(() => readExpectationsFile(file)).toThrow(/deviations\[0\] \(v5\.flow-control\.receive-maximum-qos1\): "brokerVersion" is replaced by "brokerVersions"/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('scripts/migrate-expectations.ts rewrites a directory from a results.json and prints what it could not map (exit 1)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-expectations-'));
  try {
    fs.mkdirSync(path.join(dir, 'expectations'));
    fs.writeFileSync(path.join(dir, 'expectations', 'mosquitto.json'), JSON.stringify(source));
    fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify({ schemaVersion: 2, tests }));
    const run = () => spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/migrate-expectations.ts'), '--dir', path.join(dir, 'expectations'), path.join(dir, 'results.json')], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    const first = run();
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe([
      'mosquitto.json: 7 entries → 5 keyed, 2 not mapped',
      '  not mapped: [mqtt 3.1.1] conformance/connect › renamed since',
      '  not mapped: [mqtt 3.1.1] conformance/v5-flow-control › [MQTT-3.3.4-9]*',
      '',
    ].join('\n'));
    expect(first.status).toBe(1);
    const written = fs.readFileSync(path.join(dir, 'expectations', 'mosquitto.json'), 'utf8');
    expect(JSON.parse(written)).toEqual(migrateExpectations(source, tests).file);
    expect(written.endsWith('}\n')).toBe(true);
    const again = run();
    expect([again.status, again.stdout]).toEqual([0, 'mosquitto.json: 5 entries → 5 keyed\n']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
