// Bad input exits 2 with one line naming the problem and the fix; never a stack trace, never a report.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { runHarness } from './support/run-harness.ts';

function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim() && !/npm warn/i.test(l));
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  return lines[0]!;
}

describe('CLI errors', () => {
  test('a profile whose broker is not reachable exits 2 with one line naming the listener, and writes no report', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unreachable-profile-'));
    // A port nothing listens on: bind one, note it, close it.
    const net = await import('node:net');
    const port = await new Promise<number>((resolve) => { const srv = net.createServer().listen(0, '127.0.0.1', () => { const p = (srv.address() as { port: number }).port; srv.close(() => resolve(p)); }); });
    const file = path.join(dir, 'lab.json');
    fs.writeFileSync(file, JSON.stringify({ name: 'lab', listeners: { plain: `mqtt://127.0.0.1:${port}` } }));
    const reportDir = path.join(dir, 'reports');
    const r = await runHarness(['--profile', file, '--report-dir', reportDir]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(new RegExp(`lab: listener plain \\(mqtt://127\\.0\\.0\\.1:${port}\\) is not reachable: ECONNREFUSED`));
    expect(r.results).toBeUndefined();
    expect(fs.existsSync(reportDir) ? fs.readdirSync(reportDir) : []).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('unknown target exits 2 listing the known targets', async () => {
    const r = await runHarness(['--target', 'nosuch']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/unknown target "nosuch"; known targets: .*aedes.*mosquitto/);
    expect(r.results).toBeUndefined();
  });

  test('a version of a target that cannot be had exits 2 with one line listing the versions that can', async () => {
    const r = await runHarness(['--target', 'mosquitto@9.9.9']);
    expect(r.code).toBe(2);
    // The list depends on the machine (host package, trixie recipe); the recipe is in the repository.
    expect(oneLine(r.stderr)).toMatch(/^error: --target mosquitto@9\.9\.9: version 9\.9\.9 cannot be had here; mosquitto versions: .*2\.0\.21 \(container: image from Debian trixie packages/);
    expect(r.results).toBeUndefined();
  });

  test('malformed profile exits 2 naming the field and what is allowed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-profile-'));
    const file = path.join(dir, 'broker.json');
    fs.writeFileSync(file, JSON.stringify({ name: 'x', listeners: { plain: 'mqtt://127.0.0.1:1' }, protocols: ['3'] }));
    const r = await runHarness(['--profile', file]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/profile .*broker\.json: protocols\.0 must be one of "3\.1\.1", "5"/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('missing binary exits 2 naming both fixes', async () => {
    const r = await runHarness(['--target', 'mosquitto', '--driver', 'local'], { env: { PATH: '/nonexistent', HARNESS_EXTRA_PATHS: '' } });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/"mosquitto" is not on PATH; install it .* or use --driver container/);
    expect(r.results).toBeUndefined(); // checked before anything starts: no report
  });

  test('no container engine exits 2 with the fix', async () => {
    const r = await runHarness(['--target', 'mosquitto', '--driver', 'container'], { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/no container engine answers .*DOCKER_HOST=unix:\/\/\/nonexistent/);
    expect(r.results).toBeUndefined();
  });

  test('unknown flag and bad values exit 2', async () => {
    const a = await runHarness(['--frobnicate']);
    expect(a.code).toBe(2);
    expect(oneLine(a.stderr)).toMatch(/frobnicate.*see --help/);
    const b = await runHarness(['--protocol', '6']);
    expect(b.code).toBe(2);
    expect(oneLine(b.stderr)).toMatch(/--protocol "6" is not allowed; use one of: 3\.1\.1, 5/);
  });

  test('a name filter that matches no test exits 2 with the error as its last line, leaving no report', async () => {
    const reportDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'no-match-')), 'reports');
    const r = await runHarness(['--suite', 'smoke', 'zzz-no-such-test'], { reportDir });
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    // Judged from the first target's suite run (progress lines before it), not by collecting every suite up front.
    expect(lines.at(-1)).toMatch(/^error: no test matches "zzz-no-such-test" in suites smoke; /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(reportDir), 'report directory left behind').toBe(false);
    fs.rmSync(path.dirname(reportDir), { recursive: true, force: true });
  });

  test.each([
    ['a file', '/etc/hostname', /is a file, not a directory/],
    ['a path under /proc', '/proc/harness-reports', /is inside a kernel filesystem/],
    // Root can write into a read-only directory; a path below a file cannot be created by anyone.
    ['a path below a file', '/etc/hostname/reports', /a part of the path is a file, not a directory/],
  ])('an unwritable --report-dir (%s) exits 2 with one line before any broker starts', async (_what, dir, problem) => {
    const r = await runHarness(['--target', 'aedes', '--report-dir', dir], { timeoutMs: 20_000 });
    expect(r.code).toBe(2);
    const line = oneLine(r.stderr); // one line: no "starting" progress, so no broker was started
    expect(line).toMatch(new RegExp(`^error: --report-dir ${dir}: `));
    expect(line).toMatch(problem);
    expect(line).toMatch(/pass a writable directory/);
  });

  test('--help prints every flag with an example', async () => {
    const r = await runHarness(['--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--target', '--driver', '--image', '--profile', '--suite', '--protocol', '--report-dir']) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toMatch(/e\.g\. --target mosquitto,aedes/);
  });
});
