// `npm run report`: regenerates a run's page (byte for byte the same: a pure function of
// results.json), prints and writes the version diff of two runs (page and JSON; exit 1 on a
// regression), and rejects bad input with one line and exit code 2.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ROOT } from '../lib/core/paths.ts';
import { runHarness, runReport } from './support/run-harness.ts';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'report-cli-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

const report = runReport;

function fixtureRun(name: string, fixture: string): string {
  const dir = path.join(temp, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'test/fixtures', fixture), path.join(dir, 'results.json'));
  return dir;
}

describe('report command', () => {
  test('regenerates <run-dir>/index.html, identical bytes every time', () => {
    const dir = fixtureRun('full', 'results-full.json');
    const first = report(dir);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(`Report: ${path.join(dir, 'index.html')}\n`);
    const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(report(path.join(dir, 'results.json')).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'index.html'), 'utf8')).toBe(html);
  });

  test('--compare prints the version diff, writes it as a page and as JSON, and exits 1 on a regression', () => {
    const a = fixtureRun('baseline', 'results-baseline.json');
    const b = fixtureRun('candidate', 'results-full.json');
    const r = report('--compare', a, b);
    expect(r.code, r.stderr).toBe(1);
    const out = path.join(b, 'compare-20261120-101500-aaaa.html');
    expect(r.stdout).toContain('aedes 1.2.0 (run 20261120-101500-aaaa) → aedes 1.2.0 (run 20261121-224000-bbbb): 1 regressed, 0 fixed, 0 changed, 0 added, 0 removed, 11 unchanged');
    expect(r.stdout).toMatch(/REGRESSED +3\.1\.1 +conformance\/connect › \[MQTT-3\.1\.0-2\] second CONNECT is a protocol violation +passed → failed +MQTT-3\.1\.0-2/);
    expect(r.stdout).toMatch(/fan-in +msgs\/s +16,429 → 18,400 +\+12\.0% better +±11\.3% \(CV of 28 \+ 28 broker CPU intervals\)/);
    expect(r.stdout).toContain('Gate: ✗ 1 regressed, 0 new findings (exit 1)');
    expect(r.stdout.endsWith(`Comparison (20261120-101500-aaaa → 20261121-224000-bbbb): ${out}\nDiff JSON: ${out.replace(/html$/, 'json')}\n`)).toBe(true);
    const html = fs.readFileSync(out, 'utf8');
    expect(html).toContain('✗ 1 regressed');
    expect(html.match(/data-change="regressed"/g)).toHaveLength(1);
    // fan-in on aedes: 16,429 → 18,400 msgs/s is +12.0%, beyond the run's band (11.3%): better.
    expect(html).toMatch(/16,429 → 18,400<\/span><\/td><td><span class="delta better" title="CV of 28 \+ 28 broker CPU intervals">▲ \+12\.0% <em>better<\/em>/);
    expect(html).toMatch(/class="delta worse"[^>]*>▲ \+12\.0% <em>worse<\/em>/); // aedes fan-out loss rate went up
    const json = JSON.parse(fs.readFileSync(out.replace(/html$/, 'json'), 'utf8'));
    expect(json.gate).toEqual({ regressed: 1, newFindings: 0, exitCode: 1 });
    expect(json.diffs.map((d: { new: { label: string } }) => d.new.label)).toEqual(['aedes', 'mosquitto']);
    const custom = path.join(temp, 'cmp.html');
    expect(report('--compare', a, b, '--out', custom).code).toBe(1);
    expect(fs.existsSync(custom) && fs.existsSync(path.join(temp, 'cmp.json'))).toBe(true);
    const dir = path.join(temp, 'cmp-dir');
    expect(report('--compare', a, b, '--out', dir).code).toBe(1);
    expect(fs.readdirSync(dir).sort()).toEqual(['compare-20261120-101500-aaaa.html', 'compare-20261120-101500-aaaa.json']);
  });

  test('--compare of a schema 1 run (no keys) with a schema 2 run pairs the same tests; both render', () => {
    const a = fixtureRun('v1', 'results-baseline.json');
    const b = fixtureRun('v2', 'results-full-v2.json');
    const r = report('--compare', a, b);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toBe('');
    const html = fs.readFileSync(path.join(b, 'compare-20261120-101500-aaaa.html'), 'utf8');
    expect(html).toContain('✗ 1 regressed');
    expect(html).toMatch(/<tr class="change-regressed" data-change="regressed" data-key="connect\.mqtt-3-1-0-2-second-connect-is-a-protocol-violat">/);
    expect(html).not.toMatch(/data-change="(added|removed)"/);
    for (const dir of [a, b]) {
      const one = report(dir);
      expect(one.code, one.stderr).toBe(0);
      expect(one.stderr, 'a v1 document is supported input, not a schema warning').toBe('');
    }
    expect(fs.readFileSync(path.join(b, 'index.html'), 'utf8')).toContain('test key <code class="test-key">connect.mqtt-3-1-0-2-second-connect-is-a-protocol-violat</code>');
  });

  test('--compare on two real runs', async () => {
    const reportDir = path.join(temp, 'real');
    // The smoke suite: deterministic, so two runs must compare as unchanged (a timing-sensitive
    // conformance test flipping under CI load would otherwise show as a change).
    const first = await runHarness(['--target', 'aedes', '--suite', 'smoke'], { reportDir });
    const second = await runHarness(['--target', 'aedes', '--suite', 'smoke'], { reportDir });
    expect(first.results && second.results, first.stderr + second.stderr).toBeTruthy();
    const r = report('--compare', path.join(reportDir, first.results!.run.id), path.join(reportDir, 'latest'));
    expect(r.code, r.stderr).toBe(0);
    const html = fs.readFileSync(/^Comparison \(.*\): (.*)$/m.exec(r.stdout)![1]!, 'utf8');
    expect(r.stdout).toContain('Gate: ✓ no test regressed, no new finding (exit 0)');
    expect(html).toContain('✓ no test regressed');
    expect(html).toContain(`0 changed, ${second.results!.tests.length} unchanged`);
  });

  test.each([
    [['/nonexistent/run'], /^error: run directory \/nonexistent\/run does not exist; give a run directory such as reports\/latest/],
    [['--compare', '/nonexistent/a'], /^error: --compare needs exactly two runs \(the old one first\), got 1/],
    [['--compare', '/nonexistent/a', '/nonexistent/b'], /^error: run directory \/nonexistent\/a does not exist/],
    [['--compare', path.join(ROOT, 'package.json'), path.join(ROOT, 'package.json')], /^error: .*package\.json is not a harness results document \(needs "run", "targets" and "tests"\)/],
    [[], /^error: give one run directory, got 0/],
    [['--frobnicate'], /^error: Unknown option '--frobnicate'; see npm run report -- --help/],
  ])('bad input %j: one line, exit 2', (args, message) => {
    const r = report(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('a results.json that is not JSON: one line, exit 2', () => {
    const dir = path.join(temp, 'broken');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'results.json'), '{"run": ');
    const r = report(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: .*results\.json is not valid JSON/);
  });
});
