// Announced capabilities (issue "No false pass"): the broker's own word decides what is
// not-applicable, and a profile (or descriptor) that contradicts it is a finding. A local Mosquitto
// offers shared subscriptions and QoS 2 (MQTT 5 CONNACK without the properties); a profile that
// denies both must produce two contradictions, two findings, and the shared-subscription tests run.
// Needs: the mosquitto binary.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findBinary } from '../lib/drivers/resolve-driver.ts';
import { needBinary } from './support/requirements.ts';
import { startLocalMosquitto } from './support/local-mosquitto.ts';
import { runHarness, tempReportDir, type HarnessRun } from './support/run-harness.ts';

let run: HarnessRun | undefined;
let stop: (() => Promise<void>) | undefined;
let dir: string | undefined;

beforeAll(async () => {
  if (!findBinary('mosquitto')) return;
  const started = await startLocalMosquitto('capability-contradiction');
  stop = started.stop;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capability-profile-'));
  const profile = path.join(dir, 'lab.json');
  fs.writeFileSync(profile, JSON.stringify({
    name: 'lab', brokerVersion: started.broker.brokerVersion, protocols: ['3.1.1', '5'],
    listeners: { plain: started.broker.listeners.plain!.url },
    capabilities: { sharedSubscriptions: false, maxQos: 1 },
  }));
  run = await runHarness(['--profile', profile, '--suite', 'conformance', '--protocol', '5', 'shared'], { reportDir: tempReportDir(), timeoutMs: 120_000 });
}, 180_000);

afterAll(async () => {
  await stop?.();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('a profile that contradicts what the broker announces', () => {
  test('both contradictions are recorded with the broker\'s evidence, and each is a finding', (ctx) => {
    needBinary(ctx, 'mosquitto');
    const target = run?.results?.targets[0];
    expect(target?.capabilityContradictions, run?.stderr.slice(-1500)).toEqual(expect.arrayContaining([
      expect.objectContaining({ capability: 'sharedSubscriptions', declared: 'no', announced: 'yes', direction: 'broker-offers', protocol: '5' }),
      expect.objectContaining({ capability: 'maxQos', declared: 'Maximum QoS 1', announced: 'Maximum QoS 2', direction: 'broker-offers' }),
    ]));
    const titles = run?.results?.findings?.filter((f) => f.target === 'lab').map((f) => f.title) ?? [];
    expect(titles).toEqual(expect.arrayContaining(['capability offered but not declared: sharedSubscriptions', 'capability offered but not declared: maxQos']));
  });

  test('the broker\'s word decides: the shared-subscription tests run instead of being not-applicable', (ctx) => {
    needBinary(ctx, 'mosquitto');
    const shared = run?.results?.tests.filter((t) => t.key.startsWith('v5.shared-subscriptions.')) ?? [];
    expect(shared.length).toBeGreaterThan(0);
    expect(shared.filter((t) => t.status === 'not-applicable').map((t) => `${t.key}: ${t.detail?.reason}`)).toEqual([]);
  });
});
