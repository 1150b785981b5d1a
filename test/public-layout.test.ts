// The external path end to end (issue 15 part 4): a local Mosquitto laid out like test.mosquitto.org
// (scripts/public-layout-fixture.ts: plain, auth, tls, mtls, tls-auth, tls-expired, ws, wss on
// ephemeral loopback ports) is run through `--profile` with every default suite: exit 0, the
// WebSocket listeners used, the MQTT-6.0.0 statements counted in coverage. Needs `mosquitto` (Debian).
// The fixture's profile is named `mosquitto`, so fixtures/expectations/mosquitto.json applies.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { needBinary } from './support/requirements.ts';
import { runHarness } from './support/run-harness.ts';
import { startPublicLayoutFixture, type PublicLayoutFixture } from '../scripts/public-layout-fixture.ts';
import { findBinary } from '../lib/drivers/resolve-driver.ts';

let fixture: PublicLayoutFixture | undefined;
beforeAll(async () => {
  if (findBinary('mosquitto')) fixture = await startPublicLayoutFixture();
}, 60_000);
afterAll(async () => { await fixture?.stop(); });

const WEBSOCKET_STATEMENTS = ['MQTT-6.0.0-1', 'MQTT-6.0.0-2', 'MQTT-6.0.0-4'];

test('every default suite through --profile against the public layout exits 0, over WebSocket too', async (ctx) => {
  needBinary(ctx, 'mosquitto');
  const run = await runHarness(['--profile', fixture!.profileFile], { timeoutMs: 280_000 });
  const tests = run.results?.tests ?? [];
  const bad = tests.filter((t) => t.status === 'failed' || t.status === 'error');
  expect(bad.map((t) => `${t.protocol} ${t.key}: ${t.detail?.reason ?? ''}`)).toEqual([]);
  expect(run.code, run.stderr.slice(-2000)).toBe(0);
  for (const listener of ['ws', 'wss']) {
    const smoke = tests.filter((t) => t.key?.startsWith(`smoke.round-trip.${listener}.`));
    expect(smoke.map((t) => t.status), `smoke over ${listener}`).toEqual(smoke.map(() => 'passed'));
    expect(smoke.length, `smoke tests over ${listener}`).toBeGreaterThan(0);
  }
  for (const protocol of ['3.1.1', '5']) {
    const coverage = run.results?.coverage?.find((c) => c.protocol === protocol);
    expect(coverage?.exercisedIds, `WebSocket statements exercised under ${protocol}`).toEqual(expect.arrayContaining(WEBSOCKET_STATEMENTS));
  }
}, 300_000);
