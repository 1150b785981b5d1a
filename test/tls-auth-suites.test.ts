// The TLS and auth suites through the real CLI, against each managed broker: everything passes,
// enough tests ran, and the report carries the expected finding. The auth suite passing against
// mosquitto is also the proof that the harness-written $7$ password file works with the real broker.
// Needs mosquitto (apt-get install -y mosquitto); the container case needs the podman service and
// the image localhost/mosquitto:2.0.11 (.ci/build-mosquitto-image.sh).
import { describe, test, expect, afterAll } from 'vitest';
import fs from 'node:fs';
import { runHarness, tempReportDir, type HarnessRun } from './support/run-harness.ts';
import { validateResults } from '../lib/results/validate-results.ts';
import { LOCAL_MOSQUITTO_IMAGE, needBinary, needEngine, needImage } from './support/requirements.ts';

const reportDirs: string[] = [];
afterAll(() => { for (const d of reportDirs) fs.rmSync(d, { recursive: true, force: true }); });

async function run(args: string[]): Promise<HarnessRun> {
  const reportDir = tempReportDir();
  reportDirs.push(reportDir);
  return runHarness([...args, '--suite', 'tls,auth', '--strict-expectations'], { reportDir, timeoutMs: 150_000 });
}

function expectAllPassed(r: HarnessRun, minimum: number) {
  expect(r.code, r.stderr.slice(-3000)).toBe(0);
  const ran = r.results!.tests.filter((t) => t.status !== 'not-applicable' && t.status !== 'skipped');
  expect(ran.length).toBeGreaterThanOrEqual(minimum);
  expect(ran.filter((t) => t.status !== 'passed').map((t) => t.id)).toEqual([]);
  expect(r.stderr).toMatch(/PKI generated in \d+ ms/);
  expect(r.results!.findings?.map((f) => f.title)).toContain('credentials sent in clear');
  expect(validateResults(r.results)).toEqual([]);
}

describe('tls and auth suites', () => {
  test('mosquitto (local): ≥ 40 tests, all pass', async (ctx) => {
    needBinary(ctx, 'mosquitto');
    expectAllPassed(await run(['--target', 'mosquitto', '--driver', 'local']), 40);
  }, 160_000);

  test('mosquitto (container): ≥ 40 tests, all pass', async (ctx) => {
    await needEngine(ctx);
    needImage(ctx, LOCAL_MOSQUITTO_IMAGE, '.ci/build-mosquitto-image.sh');
    expectAllPassed(await run(['--target', 'mosquitto', '--driver', 'container', '--image', LOCAL_MOSQUITTO_IMAGE]), 40);
  }, 160_000);

  test('aedes (embedded, MQTT 3.1.1 only): all pass', async () => {
    expectAllPassed(await run([]), 35);
  }, 160_000);
});
