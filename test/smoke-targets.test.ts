// The seed scenario through the real CLI against every target/driver this machine can run:
// aedes embedded and local, mosquitto local and container (locally built image).
import { describe, expect, test } from 'vitest';
import { validateResults } from '../lib/results/validate-results.ts';
import { runHarness } from './support/run-harness.ts';
import { LOCAL_MOSQUITTO_IMAGE, needBinary, needEngine, needImage } from './support/requirements.ts';

function expectSmokePassed(r: Awaited<ReturnType<typeof runHarness>>, target: string, protocols: string[]) {
  expect(r.code, r.stderr + r.stdout).toBe(0);
  expect(r.results).toBeDefined();
  expect(validateResults(r.results)).toEqual([]);
  const smoke = r.results!.tests.filter((t) => t.suite === 'smoke' && t.target === target);
  const passed = smoke.filter((t) => t.status === 'passed');
  // plain listener at QoS 0, 1, 2 for each protocol at least
  for (const p of protocols) {
    for (const qos of [0, 1, 2]) {
      expect(passed.some((t) => t.protocol === p && t.title.includes('plain listener') && t.title.includes(`QoS ${qos}`)),
        `${target} mqtt ${p} plain QoS ${qos}`).toBe(true);
    }
  }
  expect(smoke.filter((t) => t.status === 'failed' || t.status === 'error')).toEqual([]);
}

describe('smoke suite through the CLI', () => {
  test('embedded aedes (the default): passes and writes a valid results.json', async () => {
    const r = await runHarness(['--suite', 'smoke', '--strict-expectations']);
    expectSmokePassed(r, 'aedes', ['3.1.1']);
    expect(r.results!.targets[0]).toMatchObject({ name: 'aedes', driver: 'embedded', brokerVersion: expect.stringMatching(/^\d+\./) });
  });

  test('aedes as a local child process', async () => {
    const r = await runHarness(['--target', 'aedes', '--driver', 'local', '--suite', 'smoke', '--strict-expectations']);
    expectSmokePassed(r, 'aedes', ['3.1.1']);
    expect(r.results!.targets[0]!.driver).toBe('local');
  });

  test('mosquitto local: 3.1.1 and 5, version read from the broker', async (ctx) => {
    needBinary(ctx, 'mosquitto');
    const t0 = Date.now();
    const r = await runHarness(['--target', 'mosquitto', '--driver', 'local', '--suite', 'smoke', '--strict-expectations']);
    process.stderr.write(`mosquitto local smoke: ${Date.now() - t0} ms wall\n`);
    expectSmokePassed(r, 'mosquitto', ['3.1.1', '5']);
    expect(r.results!.targets[0]!.brokerVersion).toMatch(/^2\.\d+\.\d+$/);
  });

  test('mosquitto in a container (locally built image)', async (ctx) => {
    await needEngine(ctx);
    needImage(ctx, LOCAL_MOSQUITTO_IMAGE, '.ci/build-mosquitto-image.sh');
    const r = await runHarness(['--target', 'mosquitto', '--driver', 'container', '--image', LOCAL_MOSQUITTO_IMAGE, '--suite', 'smoke', '--strict-expectations']);
    expectSmokePassed(r, 'mosquitto', ['3.1.1', '5']);
    expect(r.results!.targets[0]).toMatchObject({ driver: 'container', image: LOCAL_MOSQUITTO_IMAGE });
  });

  test('two targets in one run write one report covering both', async (ctx) => {
    needBinary(ctx, 'mosquitto');
    const r = await runHarness(['--target', 'mosquitto,aedes', '--driver', 'local', '--suite', 'smoke', '--strict-expectations']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.results!.targets.map((t) => t.name)).toEqual(['mosquitto', 'aedes']);
    expect(new Set(r.results!.tests.map((t) => t.target))).toEqual(new Set(['mosquitto', 'aedes']));
  });

  test('name filters select tests, the rest are reported skipped', async () => {
    const r = await runHarness(['--suite', 'smoke', '--strict-expectations', 'QoS 2']);
    expect(r.code).toBe(0);
    const ran = r.results!.tests.filter((t) => t.status === 'passed');
    expect(ran.length).toBeGreaterThan(0);
    expect(ran.every((t) => t.title.includes('QoS 2'))).toBe(true);
    expect(r.results!.tests.some((t) => t.status === 'skipped')).toBe(true);
  });
});
