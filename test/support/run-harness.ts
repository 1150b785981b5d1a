// Runs the real CLI as a child process, as a user would, into a private report directory.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { ROOT } from '../../lib/core/paths.ts';
import type { ResultsDocument } from '../../lib/results/types.ts';

// Report directories made here are removed when the test file that imported this module finishes
// (the hook is registered in that file's root suite), so self-tests leave nothing in the temp dir.
const made = new Set<string>();
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
  made.clear();
});

export interface HarnessRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  reportDir: string;
  /** reports/latest/results.json of this run, if one was written. */
  results?: ResultsDocument;
}

export interface RunOptions {
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Called with the child once stderr contains `when`; used to interrupt or kill mid-run. */
  onOutput?: { when: RegExp; then: (child: import('node:child_process').ChildProcess, stderrSoFar: string) => void };
  reportDir?: string;
}

export function tempReportDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-selftest-reports-'));
  made.add(d);
  return d;
}

export function runHarness(args: string[], o: RunOptions = {}): Promise<HarnessRun> {
  const reportDir = o.reportDir ?? tempReportDir();
  // print-config and k8s-job write no run (k8s-job sets each pod's --report-dir itself).
  const hasReportDir = args.includes('--report-dir') || args[0] === 'print-config' || args[0] === 'k8s-job';
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'lib/cli/main.ts'), ...args, ...(hasReportDir ? [] : ['--report-dir', reportDir])], {
    cwd: ROOT,
    env: { ...process.env, HARNESS_QUIET: '1', ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let fired = false;
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => {
    stderr += d;
    if (o.onOutput && !fired && o.onOutput.when.test(stderr)) {
      fired = true;
      o.onOutput.then(child, stderr);
    }
  });
  return new Promise((resolve, reject) => {
    // On a timeout the harness gets SIGTERM first, so that it stops its brokers and removes its temp
    // files (SIGKILL would orphan a broker process); SIGKILL follows only if it does not exit.
    let killer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      reject(new Error(`harness ${args.join(' ')} did not finish in ${o.timeoutMs ?? 120_000} ms\n${stderr}`));
    }, o.timeoutMs ?? 120_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killer);
      const file = path.join(reportDir, 'latest', 'results.json');
      const results = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as ResultsDocument) : undefined;
      resolve({ code, signal, stdout, stderr, reportDir, results });
    });
  });
}

/** `npm run report -- <args>` as a child process (rendering only: bounded at 120 s). */
export function runReport(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'lib/cli/report.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
