// scripts/release-gate.sh end to end: Mosquitto 2.0.11 (Debian bookworm, local driver) → 2.0.21
// (Debian trixie image, container driver). 2.0.21 loses a kept session's queued messages under the
// harness's per_listener_settings true (mosquitto#2618): the gate names that test and exits 1, while a
// test that passes on both stays out of its list. Needs mosquitto (apt-get install -y mosquitto), the
// podman service and the trixie image (.ci/build-trixie-image.sh mosquitto); with CI=true a missing one fails.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT } from '../lib/core/paths.ts';
import { mosquittoTarget } from '../lib/targets/mosquitto-target.ts';
import { versionOffers } from '../lib/targets/target-versions.ts';
import type { ResultsDocument } from '../lib/results/types.ts';
import { tempReportDir } from './support/run-harness.ts';
import { needBinary, needEngine, needImage } from './support/requirements.ts';

function gate(args: string[], reportDir: string, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('bash', [path.join(ROOT, 'scripts/release-gate.sh'), ...args], {
    cwd: ROOT, env: { ...process.env, HARNESS_QUIET: '1', REPORT_DIR: reportDir, RELEASE_GATE_BUILD: '0' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

describe('release gate', () => {
  test('bad arguments exit 2 with one line of usage', async () => {
    const r = await gate(['mosquitto', '2.0.11'], tempReportDir(), 30_000);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('usage: scripts/release-gate.sh <broker> <old-version> <new-version> [harness flags...]');
  }, 40_000);

  test('mosquitto 2.0.11 → 2.0.21: the lost queued messages are a regression (exit 1), a test passing on both is not', async (ctx) => {
    needBinary(ctx, 'mosquitto');
    await needEngine(ctx);
    const offer = versionOffers(mosquittoTarget).find((o) => o.version === '2.0.21');
    expect(offer?.image, 'the mosquitto trixie recipe (.ci/trixie/mosquitto.recipe) names 2.0.21').toBeDefined();
    needImage(ctx, offer!.image!, '.ci/build-trixie-image.sh mosquitto');
    const reportDir = tempReportDir();
    const r = await gate(['mosquitto', '2.0.11', '2.0.21', '--suite', 'conformance', '--key', 'connect.persistent-session-queues,connect.clean-session-discards'], reportDir, 420_000);
    expect(r.code, r.stderr.slice(-3000)).toBe(1);
    expect(r.stdout).toMatch(/^release gate mosquitto@2\.0\.11 → mosquitto@2\.0\.21: 2 regression\(s\)/m);
    expect(r.stdout).toMatch(/passed → expected-failure {2}mqtt 3\.1\.1 {2}connect\.persistent-session-queues/);
    expect(r.stdout).toMatch(/passed → expected-failure {2}mqtt 5 {2}connect\.persistent-session-queues/);
    expect(r.stdout).not.toMatch(/clean-session-discards/);
    const doc = JSON.parse(fs.readFileSync(path.join(reportDir, 'latest', 'results.json'), 'utf8')) as ResultsDocument;
    expect(doc.targets.map((t) => [t.name, t.version, t.label, t.driver, t.brokerVersion])).toEqual([
      ['mosquitto', '2.0.11', 'mosquitto@2.0.11', 'local', '2.0.11'],
      ['mosquitto', '2.0.21', 'mosquitto@2.0.21', 'container', '2.0.21'],
    ]);
    const passedOnBoth = doc.tests.filter((t) => t.key === 'connect.clean-session-discards' && t.status === 'passed').map((t) => t.target);
    expect(new Set(passedOnBoth)).toEqual(new Set(['mosquitto@2.0.11', 'mosquitto@2.0.21']));
  }, 450_000);
});
