import { expect, test } from 'vitest';
import { renderJunit } from './junit.ts';
import type { ResultsDocument } from '../results/types.ts';

const doc: ResultsDocument = {
  schemaVersion: 3,
  run: { id: 'r1', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z', harnessVersion: '0', command: [], exitCode: 1,
    machine: { cpus: 2, cpuModel: 'x', memoryBytes: 1, os: 'linux', node: 'v20' } },
  targets: [{ name: 'm', driver: 'local', brokerVersion: '1', listeners: {} }],
  tests: [
    { key: 'smoke.a', id: 'a', title: 'ok', suite: 'smoke', spec: ['MQTT-3.1.0-1'], protocol: '3.1.1', target: 'm', status: 'passed', durationMs: 5 },
    { key: 'smoke.b', id: 'b', title: 'bad <&> "x"', suite: 'smoke', spec: [], protocol: '5', target: 'm', status: 'failed', durationMs: 5,
      detail: { reason: 'expected <1>', brokerLog: 'line\u0001' } },
    { key: 'smoke.c', id: 'c', title: 'na', suite: 'smoke', spec: [], protocol: null, target: 'm', status: 'not-applicable', durationMs: 0, detail: { reason: 'no tls' } },
  ],
};

test('one testcase per test, named by key and protocol; key, title and statement ids as properties; text escaped', () => {
  const xml = renderJunit(doc);
  expect(xml.match(/<testcase /g)).toHaveLength(3);
  expect(xml).toContain('<testcase classname="m.smoke" name="smoke.a [mqtt 3.1.1]"');
  expect(xml).toContain('<testcase classname="m.smoke" name="smoke.c"');
  expect(xml).toContain('<property name="key" value="smoke.a"/><property name="title" value="ok"/><property name="spec" value="MQTT-3.1.0-1"/>');
  expect(xml).toContain('name="smoke.b [mqtt 5]"');
  expect(xml).toContain('<property name="title" value="bad &lt;&amp;&gt; &quot;x&quot;"/>');
  expect(xml).toContain('<failure message="expected &lt;1&gt;">');
  expect(xml).toContain('<skipped message="not-applicable: no tls"/>');
  expect(xml).not.toContain('\u0001');
  expect(xml).toMatch(/tests="3" failures="1" errors="0" skipped="1"/);
});
