// The package's bin (bin/mqtt-harness.mjs): runs the CLI from any working directory, passes the exit
// code through, and a Ctrl-C — which a terminal sends to the whole foreground process group — still
// lets the harness clean up (exit 130, no partial run directory).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { ROOT } from '../lib/core/paths.ts';
import { tempReportDir } from './support/run-harness.ts';

const BIN = path.join(ROOT, 'bin/mqtt-harness.mjs');

function runBin(args: string[], onStderr?: (text: string, child: ReturnType<typeof spawn>) => void) {
  // detached: the launcher leads its own process group, as a shell's foreground job does.
  const child = spawn(process.execPath, [BIN, ...args], { cwd: os.tmpdir(), stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, HARNESS_QUIET: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => { stdout += d; });
  child.stderr!.on('data', (d) => { stderr += d; onStderr?.(stderr, child); });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

test('--help from another working directory: exit 0', async () => {
  const r = await runBin(['--help']);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('--misconfig <name>');
});

test('bad input passes exit 2 through', async () => {
  const r = await runBin(['--misconfig', 'nonsense']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/--misconfig "nonsense" is not allowed/);
});

test('Ctrl-C to the process group: the harness cleans up and exits 130', { timeout: 60_000 }, async () => {
  const reportDir = tempReportDir();
  let sent = false;
  const r = await runBin(['--target', 'aedes', '--driver', 'embedded', '--suite', 'smoke,tls', '--report-dir', reportDir], (text, child) => {
    if (!sent && /ready in/.test(text)) {
      sent = true;
      process.kill(-child.pid!, 'SIGINT');
    }
  });
  expect(sent).toBe(true);
  expect(r.code, r.stderr.slice(-1500)).toBe(130);
  expect(r.stderr).toMatch(/SIGINT: stopping brokers/);
  expect(fs.readdirSync(reportDir)).toEqual([]);
});
