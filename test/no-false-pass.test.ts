// Needs the mosquitto binary (local driver). A test that cannot exercise its statement on a broker is
// not a pass: Mosquitto 2.0.11 announces no Maximum Packet Size, so the "0x95 Packet too large" test
// ends not-applicable with that reason, and its statement ids count towards mosquitto's exercised
// coverage only where another test exercised them there.
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
  // Its statements count only through tests that exercised them: each of its observable ids is in
  // mosquitto's exercised coverage exactly when another test of mosquitto naming it ended with a
  // verdict (MQTT-3.2.2-15 binds clients only; MQTT-4.13.1-1 is exercised by the other tests).
  const cov = doc.coverage?.find((c) => c.target === 'mosquitto' && c.protocol === '5');
  expect(cov, JSON.stringify(doc.coverage)).toBeDefined();
  expect(cov!.exercised).toBe(cov!.exercisedIds.length);
  const verdicts = doc.tests.filter((x) => x.target === 'mosquitto' && x.protocol === '5' && x !== t && ['passed', 'failed', 'expected-failure'].includes(x.status));
  for (const id of t!.spec) {
    const exercisedElsewhere = verdicts.some((x) => x.spec.includes(id));
    expect(cov!.exercisedIds.includes(id), `${id} exercised on mosquitto`).toBe(exercisedElsewhere);
  }
  expect(cov!.exercisedIds).not.toContain('MQTT-3.2.2-15');
  expect(cov!.notExercised.length + cov!.exercised).toBe(cov!.observable);
  expect(run.stdout + run.stderr).toMatch(/mosquitto MQTT 5: exercised \d+ of \d+ broker-observable statements/);
});
