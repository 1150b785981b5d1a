// The report in a real browser: Debian's Chromium, headless, driven by playwright-core. Opens the
// page of a real run (aedes, plus mosquitto where installed) and the page of the fixture document
// (which has failures, findings and benchmarks), and checks what a reader relies on: no console
// errors, no network requests, matrix counts equal results.json, a failure's detail opens on click,
// the status filter hides passed tests, search narrows, charts are drawn. Leaves index.html and a
// screenshot of the first screen (index.png) under reports/selftest-browser/ for people and CI artifacts
// (not the full page: a full-page capture of a two-broker run's ~700 rows took over 30 s on a loaded CI machine).
// Needs: /usr/bin/chromium (apt-get install chromium), mosquitto for the second target.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { ResultsDocument } from '../lib/results/types.ts';
import { TEST_STATUSES } from '../lib/results/types.ts';
import { ROOT } from '../lib/core/paths.ts';
import { findBinary } from '../lib/drivers/resolve-driver.ts';
import { writeReport } from '../lib/report/html/write-report.ts';
import { renderComparisonHtml } from '../lib/report/html/render-comparison.tsx';
import { buildMatrix } from '../lib/report/html/matrix-model.ts';
import { clip } from '../lib/report/html/format.ts';
import { runHarness } from './support/run-harness.ts';
import { needBinary } from './support/requirements.ts';
import { CHROMIUM, openInChromium } from './support/headless-chromium.ts';

const OUT = path.join(ROOT, 'reports', 'selftest-browser');
const MAX_BYTES = 2 * 1024 * 1024;

beforeAll(() => {
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
});

/** Rows the page must still show once "passed" is unticked: those with any other status. */
function rowsWithoutPassedOnly(doc: ResultsDocument): number {
  return buildMatrix(doc).groups.flatMap((g) => g.rows)
    .filter((r) => [...r.cells.values()].flat().some((c) => c.result.status !== 'passed')).length;
}

async function checkPage(htmlFile: string, doc: ResultsDocument, expectedCharts: number): Promise<void> {
  expect(fs.statSync(htmlFile).size, 'one self-contained file under 2 MB').toBeLessThan(MAX_BYTES);
  const opened = await openInChromium(htmlFile);
  try {
    const { page } = opened;
    const totalRows = buildMatrix(doc).groups.reduce((n, g) => n + g.rows.length, 0);

    // Counts: every result is one cell; the summary agrees.
    for (const s of TEST_STATUSES) {
      const n = doc.tests.filter((t) => t.status === s).length;
      expect(await page.locator(`button.cell[data-status="${s}"]`).count(), `cells with status ${s}`).toBe(n);
      expect(await page.locator(`[data-count-status="${s}"]`).getAttribute('data-count'), `summary count ${s}`).toBe(String(n));
    }
    await expect.poll(() => page.locator('#matrix-shown').textContent()).toBe(`${totalRows} of ${totalRows} tests`);

    // Charts are drawn with a real size.
    const charts = page.locator('figure.chart svg');
    expect(await charts.count(), 'charts on the page').toBe(expectedCharts);
    for (let i = 0; i < expectedCharts; i++) {
      const box = await charts.nth(i).boundingBox();
      expect(box && box.width > 200 && box.height > 100, `chart ${i} has a size`).toBe(true);
    }

    await page.screenshot({ path: path.join(path.dirname(htmlFile), 'index.png'), timeout: 120_000 });

    // Click-to-detail: a failure (or error) if there is one, else the first cell.
    const bad = page.locator('button.cell.st-failed, button.cell.st-error');
    const cell = (await bad.count()) ? bad.first() : page.locator('button.cell').first();
    const detailId = (await cell.getAttribute('data-detail'))!;
    const test = doc.tests[Number(detailId.replace('t-', ''))]!;
    expect(await page.locator(`#${detailId}`).isVisible()).toBe(false);
    await cell.click();
    const dialog = page.locator('dialog[open]');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.locator('h3').textContent()).toBe(test.title);
    if (test.detail?.reason) expect(await dialog.locator('.reason').textContent()).toBe(test.detail.reason);
    if (test.detail?.actual) expect(await dialog.locator('.expect-actual pre').nth(1).textContent()).toBe(test.detail.actual);
    if (test.detail?.brokerLog) expect(await dialog.locator('pre.log').textContent(), 'broker log excerpt').toBe(clip(test.detail.brokerLog));
    await page.screenshot({ path: path.join(path.dirname(htmlFile), 'index-detail.png'), timeout: 120_000 });
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('dialog[open]').count()).toBe(0);

    // The status filter hides rows whose results all passed, and only those.
    await page.locator('input[data-filter-status="passed"]').uncheck();
    const visibleRows = page.locator('tr.test-row:visible');
    const expectedVisible = rowsWithoutPassedOnly(doc);
    await expect.poll(() => visibleRows.count()).toBe(expectedVisible);
    for (const statuses of await visibleRows.evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.statuses ?? ''))) {
      expect(statuses.split(' ').some((s) => s !== 'passed'), `visible row "${statuses}" has a non-passed result`).toBe(true);
    }
    expect(await page.locator('#matrix-shown').textContent()).toBe(`${expectedVisible} of ${totalRows} tests`);
    expect(await page.locator('#matrix-empty').isVisible()).toBe(expectedVisible === 0);
    await page.locator('input[data-filter-status="passed"]').check();

    // Search by statement id (or by words of a title when no test cites a statement).
    const needle = doc.tests.find((t) => t.spec?.length)?.spec[0] ?? test.title.split(' ').slice(-2).join(' ');
    await page.locator('#matrix-search').fill(needle);
    const matching = buildMatrix(doc).groups.flatMap((g) => g.rows)
      .filter((r) => [r.id, r.title, ...r.spec].join(' ').toLowerCase().includes(needle.toLowerCase())).length;
    await expect.poll(() => visibleRows.count()).toBe(matching);
    expect(matching).toBeGreaterThan(0);

    expect(opened.consoleErrors, 'console errors').toEqual([]);
    expect(opened.foreignRequests, 'network requests').toEqual([]);
  } finally {
    await opened.close();
  }
}

describe('report in headless Chromium', () => {
  test('the page of a real run (aedes, plus mosquitto where installed)', async (ctx) => {
    needBinary(ctx, path.basename(CHROMIUM), 'chromium');
    const targets = ['aedes', ...(findBinary('mosquitto') || process.env.CI === 'true' ? ['mosquitto'] : [])];
    const reportDir = path.join(OUT, 'run');
    // All suites, with two short benchmark scenarios so the page carries real charts.
    const run = await runHarness(['--target', targets.join(','), '--driver', 'local',
      '--suite', 'smoke,conformance,tls,auth,bench', '--scenario', 'throughput-1to1.qos0,latency-1k.qos1', '--duration', '1'],
    { reportDir, timeoutMs: 300_000 });
    expect(run.results, run.stderr).toBeDefined();
    expect(run.stdout).toMatch(/Report: +\S+index\.html/);
    const html = path.join(reportDir, 'latest', 'index.html');
    expect(fs.existsSync(html)).toBe(true);
    expect(run.results!.targets.map((t) => t.name)).toEqual(targets);
    // Charts only where the run produced benchmarks (the benchmark suites add them).
    expect(run.results!.benchmarks?.length, 'benchmarks in the real run').toBeGreaterThan(0);
    expect(fs.statSync(html).size, 'page size').toBeLessThan(2 * 1024 * 1024);
    const benchCharts = await countCharts(run.results!);
    expect(benchCharts).toBeGreaterThan(0);
    await checkPage(html, run.results!, benchCharts);
  }, 450_000); // the harness run alone may take up to 300 s (its own bound above), the page checks the rest

  test('the page of the fixture document: failures, findings, coverage and benchmark charts', async (ctx) => {
    needBinary(ctx, path.basename(CHROMIUM), 'chromium');
    const doc = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/results-full.json'), 'utf8')) as ResultsDocument;
    const dir = path.join(OUT, 'fixture');
    const html = await writeReport(dir, doc);
    // 1 throughput + 3 latency curves + 3 CPU/RSS + 1 loss (the connections scenario has none of these).
    await checkPage(html, doc, 8);
  });
});

describe('comparison page in headless Chromium', () => {
  test('opens cleanly, lists the regression, draws the chart', async (ctx) => {
    needBinary(ctx, path.basename(CHROMIUM), 'chromium');
    const load = (f: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures', f), 'utf8')) as ResultsDocument;
    const file = path.join(OUT, 'compare', 'index.html');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, await renderComparisonHtml(load('results-baseline.json'), load('results-full.json')));
    const opened = await openInChromium(file);
    try {
      const { page } = opened;
      expect(await page.locator('tr[data-change="regressed"]').count()).toBe(1);
      expect(await page.locator('.delta.better').count()).toBeGreaterThan(0);
      expect(await page.locator('.delta.worse').count()).toBeGreaterThan(0);
      expect(await page.locator('figure.chart svg').count()).toBe(1);
      await page.screenshot({ path: path.join(path.dirname(file), 'index.png'), fullPage: true });
      expect(opened.consoleErrors).toEqual([]);
      expect(opened.foreignRequests).toEqual([]);
    } finally {
      await opened.close();
    }
  });
});

async function countCharts(doc: ResultsDocument): Promise<number> {
  const { renderReportCharts } = await import('../lib/report/charts/report-charts.ts');
  const c = await renderReportCharts(doc.benchmarks);
  return (c.throughput ? 1 : 0) + c.latency.length + c.resources.length + (c.loss ? 1 : 0);
}

