// Needs the mosquitto binary (local driver). A test that cannot exercise its statement on a broker is
// not a pass: Mosquitto 2.0.11 announces no Maximum Packet Size, so the "0x95 Packet too large" test
// ends not-applicable with that reason, and its statement ids are not in mosquitto's exercised coverage.
import { expect, test } from 'vitest';
import { runHarness } from './support/run-harness.ts';
import { needBinary } from './support/requirements.ts';

test('against local mosquitto, v5 "Packet too large" is not-applicable with its reason and exercises no statement', async (ctx) => {
  needBinary(ctx, 'mosquitto');
  const run = await runHarness(['--target', 'mosquitto', '--driver', 'local', '--suite', 'conformance', '--protocol', '5', 'Maximum Packet Size'], { timeoutMs: 120_000 });
  expect(run.code, run.stderr).toBe(0);
  const doc = run.results!;
  const t = doc.tests.find((x) => x.key === 'v5.maximum-packet-size.server-enforces' && x.protocol === '5');
  expect(t?.status, JSON.stringify(t)).toBe('not-applicable');
  expect(t!.detail?.reason).toBe('the broker announces no Maximum Packet Size (CONNACK), so no packet is too large');
  // Its statements count only through tests that exercised them: MQTT-3.2.2-15 has no other test.
  const cov = doc.coverage?.find((c) => c.target === 'mosquitto' && c.protocol === '5');
  expect(cov, JSON.stringify(doc.coverage)).toBeDefined();
  expect(cov!.exercisedIds).not.toContain('MQTT-3.2.2-15');
  expect(cov!.notExercised).toContain('MQTT-3.2.2-15');
  expect(cov!.exercised).toBe(cov!.exercisedIds.length);
  expect(run.stdout + run.stderr).toMatch(/mosquitto MQTT 5: exercised \d+ of \d+ broker-observable statements/);
});
