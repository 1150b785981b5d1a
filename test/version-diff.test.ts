// The version diff end to end: a run over several versions of one broker prints the diff at the end
// of its summary and gets a "Version diff" section in its page (documents built here: the versions
// of one broker in one run come from `--target x@version`); and `npm run report -- --compare` of two
// real aedes runs, one behind a fault proxy, shows the regression in the terminal, the JSON and the
// page, exits 1, and exits 0 the other way round (the test is then fixed).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { standardOutputs } from '../lib/report/run-outputs.ts';
import type { ResultsDocument } from '../lib/results/types.ts';
import { resultsDoc, throughput } from './support/results-builder.ts';
import { runHarness, runReport } from './support/run-harness.ts';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'version-diff-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

/** What the end of a run prints to stdout for `doc`. */
function summaryOf(doc: ResultsDocument): string {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out += String(chunk); return true; });
  try {
    standardOutputs.printSummary(doc, path.join(temp, doc.run.id), undefined);
  } finally {
    spy.mockRestore();
  }
  return out;
}

/** Every in-page link to a statement has its target on the same page. */
function expectStatementLinksResolve(html: string): string[] {
  const hrefs = [...html.matchAll(/href="#(stmt-[^"]+)"/g)].map((m) => m[1]!);
  for (const h of hrefs) expect(html, `anchor ${h}`).toContain(`id="${h}"`);
  return hrefs;
}

describe('a run over three versions of one broker', () => {
  const steady = [40, 40, 41, 39, 40, 40];
  const doc = resultsDoc('multi-1', [
    { name: 'mosquitto', version: '2.0.21', tests: [['retain.wildcard-subscription', 'failed', '3.1.1', ['MQTT-3.3.1-6']], ['connect.second-connect', 'passed', '3.1.1', ['MQTT-3.1.0-2']], ['publish.qos1', 'passed', '5', ['MQTT-4.3.2-1']]], benchmarks: [throughput('throughput-1to1.qos1', 7_000, 30, steady)], findings: [{ severity: 'high', title: 'accepts an expired client certificate', detail: 'd', tests: ['tls.expired'] }] },
    { name: 'mosquitto', version: '2.0.9', tests: [['retain.wildcard-subscription', 'passed', '3.1.1', ['MQTT-3.3.1-6']], ['connect.second-connect', 'failed', '3.1.1', ['MQTT-3.1.0-2']], ['publish.qos1', 'passed', '5', ['MQTT-4.3.2-1']]], benchmarks: [throughput('throughput-1to1.qos1', 10_000, 20, steady)] },
    { name: 'mosquitto', version: '2.0.11', tests: [['retain.wildcard-subscription', 'passed', '3.1.1', ['MQTT-3.3.1-6']], ['connect.second-connect', 'passed', '3.1.1', ['MQTT-3.1.0-2']], ['publish.qos1', 'passed', '5', ['MQTT-4.3.2-1']]], benchmarks: [throughput('throughput-1to1.qos1', 10_000, 20, steady)] },
  ]);

  test('the end-of-run summary prints the diff table, versions in numeric order, regressions first', () => {
    const out = summaryOf(doc);
    const diff = out.slice(out.indexOf('Version diff (regressions first):'));
    expect(diff).toContain('mosquitto 2.0.9 → mosquitto 2.0.11: 0 regressed, 1 fixed, 0 changed, 0 added, 0 removed, 2 unchanged');
    expect(diff).toContain('mosquitto 2.0.11 → mosquitto 2.0.21: 1 regressed, 0 fixed, 0 changed, 0 added, 0 removed, 2 unchanged');
    expect(diff.indexOf('2.0.9 → mosquitto 2.0.11')).toBeLessThan(diff.indexOf('2.0.11 → mosquitto 2.0.21'));
    expect(diff).toMatch(/REGRESSED +3\.1\.1 +retain\.wildcard-subscription +passed → failed +MQTT-3\.3\.1-6/);
    expect(diff).toContain('retain.wildcard-subscription: retain.wildcard-subscription failed on mosquitto@2.0.21');
    expect(diff).toMatch(/NEW finding +high +accepts an expired client certificate/);
    expect(diff).toMatch(/throughput-1to1\.qos1 +msgs\/s +10,000 → 7,000 +-30\.0% worse +±2% \(CV of 4 \+ 4 broker CPU intervals\)/); // 40, 41, 39, 40 between ramp-up and drain: CV 2.0%
    expect(diff).toMatch(/throughput-1to1\.qos1 +p99 +20\.00 ms → 30\.00 ms +\+50\.0% worse/);
    // Compact: unchanged tests are counted, not listed.
    expect(diff).not.toContain('publish.qos1');
  });

  test('its page has a "Version diff" section with statement links that resolve on the page', () => {
    const dir = path.join(temp, 'multi');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify(doc));
    const r = runReport(dir);
    expect(r.code, r.stderr).toBe(0);
    const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
    expect(html).toMatch(/<nav>.*<a href="#version-diff">Version diff<\/a>.*<\/nav>/s);
    const section = html.slice(html.indexOf('<section id="version-diff">'), html.indexOf('</section>', html.indexOf('<section id="version-diff">')));
    expect(section).toContain('mosquitto 2.0.9 → mosquitto 2.0.11');
    expect(section.match(/data-change="regressed"/g)).toHaveLength(1);
    expect(section).toMatch(/<tr class="change-regressed" data-change="regressed" data-key="retain\.wildcard-subscription">/);
    expect(section).toContain('data-direction="worse"');
    expect(section).toContain('+ new finding');
    expect(expectStatementLinksResolve(section).sort()).toEqual(['stmt-3.1.1-MQTT-3.1.0-2', 'stmt-3.1.1-MQTT-3.3.1-6']);
    // The statement's summary from fixtures/spec, and nothing loaded from anywhere.
    expect(section).toContain('A new subscription receives the last retained message of each matching topic.');
    expect(html).not.toMatch(/<(img|link|script)[^>]+(src|href)="(https?:)?\/\//);
  });

  test('a run with one version per broker has no version diff, in the terminal or the page', async () => {
    const single = resultsDoc('single-1', [{ name: 'mosquitto', version: '2.0.11', tests: [['a', 'passed']] }, { name: 'aedes', tests: [['a', 'failed']] }]);
    const out = summaryOf(single);
    expect(out).not.toContain('Version diff');
    const { renderReportHtml } = await import('../lib/report/html/render-report.tsx');
    expect(await renderReportHtml(single)).not.toContain('id="version-diff"');
  });
});

describe('--compare of two real aedes runs, one behind a fault', () => {
  // drop-retained-via-wildcard breaks MQTT-3.3.1-6, which retain.wildcard-subscription catches; the
  // other key is a control that must stay unchanged.
  const KEYS = 'retain.wildcard-subscription,retain.empty-removes';
  const args = ['--target', 'aedes', '--suite', 'conformance', '--protocol', '3.1.1', '--key', KEYS];

  test('terminal, JSON and page show the regression; exit 1; the other way round it is fixed, exit 0', async () => {
    // The two runs are independent (runHarness gives each its own broker and report directory): side by side.
    const [good, bad] = await Promise.all([
      runHarness(args, { timeoutMs: 400_000 }),
      runHarness([...args, '--fault', 'drop-retained-via-wildcard'], { timeoutMs: 400_000 }),
    ]);
    expect(good.code, good.stderr).toBe(0);
    expect(bad.code, bad.stderr).toBe(1);
    const oldFile = path.join(good.reportDir, good.results!.run.id, 'results.json');
    const newFile = path.join(bad.reportDir, bad.results!.run.id, 'results.json');
    const out = path.join(temp, 'real');
    const r = runReport('--compare', oldFile, newFile, '--out', out);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/aedes 1\.\d+\.\d+ \(run \S+\) → aedes 1\.\d+\.\d+ \(run \S+\): 1 regressed, 0 fixed, 0 changed, 0 added, 0 removed, \d+ unchanged/);
    expect(r.stdout).toMatch(/REGRESSED +3\.1\.1 +retain\.wildcard-subscription +passed → failed +MQTT-3\.3\.1-6/);
    expect(r.stdout).toContain('Gate: ✗ 1 regressed, 0 new findings (exit 1)');
    const base = `compare-${good.results!.run.id}`;
    const json = JSON.parse(fs.readFileSync(path.join(out, `${base}.json`), 'utf8'));
    expect(json.gate).toEqual({ regressed: 1, newFindings: 0, exitCode: 1 });
    const changed = json.diffs[0].tests.filter((t: { kind: string }) => t.kind !== 'unchanged');
    expect(changed).toEqual([expect.objectContaining({ kind: 'regressed', key: 'retain.wildcard-subscription', protocol: '3.1.1', spec: ['MQTT-3.3.1-6'], old: 'passed', new: 'failed' })]);
    expect(json.diffs[0].tests.find((t: { key: string; protocol: string }) => t.key === 'retain.empty-removes')).toMatchObject({ kind: 'unchanged', old: 'passed', new: 'passed' });
    const html = fs.readFileSync(path.join(out, `${base}.html`), 'utf8');
    expect(html).toContain('✗ 1 regressed');
    expect(html).toMatch(/data-change="regressed" data-key="retain\.wildcard-subscription"/);
    expect(expectStatementLinksResolve(html)).toEqual(['stmt-3.1.1-MQTT-3.3.1-6']);

    const back = runReport('--compare', newFile, oldFile, '--out', out);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toMatch(/fixed +3\.1\.1 +retain\.wildcard-subscription +failed → passed/);
    expect(back.stdout).toContain('Gate: ✓ no test regressed, no new finding (exit 0)');
  }, 900_000); // two harness runs (up to 400 s each on a loaded machine) and two renders
});

describe('--compare with bad input: one line naming the problem and the fix, exit 2, nothing written', () => {
  test.each([
    ['a missing file', () => [path.join(temp, 'nope', 'results.json'), path.join(temp, 'nope2', 'results.json')], /^error: run directory .*nope\/results\.json does not exist; give a run directory such as reports\/latest/],
    ['not a results document', () => { const f = path.join(temp, 'other.json'); fs.writeFileSync(f, '{"hello": 1}'); return [f, f]; }, /^error: .*other\.json is not a harness results document \(needs "run", "targets" and "tests"\); give the results\.json of a harness run/],
    ['--out that is a file', () => { const f = path.join(temp, 'x.json'); fs.writeFileSync(f, JSON.stringify(resultsDoc('x', []))); return [f, f, '--out', f]; }, /^error: --out .*x\.json is a file; give a directory/],
  ])('%s', (_what, args, message) => {
    const before = fs.readdirSync(temp).sort();
    const r = runReport('--compare', ...args());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
    expect(fs.readdirSync(temp).filter((f) => f.startsWith('compare-')), 'no half-written output').toEqual(before.filter((f) => f.startsWith('compare-')));
  });
});
