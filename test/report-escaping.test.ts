// Text from brokers, tests and users reaches the page only as text: `<script>` and
// `"><img onerror=...>` in a test detail, a test title, a topic name, a finding and a benchmark
// scenario (which also lands in a chart's SVG) render inert. Checked on the HTML string and, where
// /usr/bin/chromium is installed, in the browser (no element created, no script ran, text visible).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ResultsDocument } from '../lib/results/types.ts';
import { renderReportHtml } from '../lib/report/html/render-report.tsx';
import { renderComparisonHtml } from '../lib/report/html/render-comparison.tsx';
import { needBinary } from './support/requirements.ts';
import { CHROMIUM, openInChromium } from './support/headless-chromium.ts';

const SCRIPT = '<script>window.__pwned = "script"</script>';
const IMG = '"><img src=x onerror="window.__pwned = \'img\'">';
const TOPIC = `alice/${IMG}/${SCRIPT}/#`;

function hostileDoc(): ResultsDocument {
  const doc = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'fixtures/results-full.json'), 'utf8')) as ResultsDocument;
  const failed = doc.tests.find((t) => t.status === 'failed')!;
  failed.title = `publish on ${TOPIC} ${SCRIPT}`;
  failed.id = `conformance/evil › ${failed.title}`;
  failed.spec = [`MQTT-${IMG}`];
  failed.detail = { reason: `no message on topic ${TOPIC}`, expected: SCRIPT, actual: IMG, behaviour: IMG, brokerLog: `1732229000: Received PUBLISH on ${TOPIC}\n${SCRIPT}` };
  const known = doc.tests.find((t) => t.detail?.expectation)!;
  known.detail!.expectation!.reason = `deviates ${IMG}`;
  doc.findings![0]!.title = `topic ${TOPIC} readable`;
  doc.findings![0]!.detail = SCRIPT;
  doc.benchmarks![0]!.scenario = `fan-in ${TOPIC}`;
  doc.benchmarks![0]!.extra = { [`x${IMG}`]: 1 };
  doc.targets[0]!.listeners = { plain: `mqtt://${IMG}` };
  return doc;
}

/** The markup our components write: one script (ours, last), no img, no inline handler. */
function assertInert(html: string): void {
  expect(html.match(/<script/gi)?.length, 'only the page\'s own script element').toBe(1);
  expect(html.lastIndexOf('<script')).toBeGreaterThan(html.lastIndexOf('</main>'));
  expect(html).not.toMatch(/<img/i);
  // Attribute values may say anything (they are quoted and escaped); attribute names must not be handlers.
  const markup = html.replace(/="[^"]*"/g, '=""');
  expect(markup).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i);
  expect(html).toContain('&lt;script>window.__pwned');
  expect(html).toContain('&quot;>&lt;img src=x onerror=');
}

describe('report escaping', () => {
  test('hostile text in details, titles, topics, findings and chart data renders as text', async () => {
    const html = await renderReportHtml(hostileDoc());
    assertInert(html);
    // The scenario name went through vega's SVG serializer into the throughput chart.
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
    expect(svg).toContain('fan-in alice/');
  });

  test('the comparison page escapes the same way', async () => {
    const base = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'fixtures/results-baseline.json'), 'utf8')) as ResultsDocument;
    assertInert(await renderComparisonHtml(base, hostileDoc()));
  });

  test('in Chromium: no element is created from the text, no script runs, the text is visible', async (ctx) => {
    needBinary(ctx, CHROMIUM.split('/').pop()!, 'chromium');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-escaping-'));
    try {
      const file = path.join(dir, 'index.html');
      fs.writeFileSync(file, await renderReportHtml(hostileDoc()));
      const opened = await openInChromium(file);
      try {
        const { page } = opened;
        expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
        expect(await page.locator('img').count()).toBe(0);
        expect(await page.locator('script').count()).toBe(1);
        expect(await page.evaluate(() => [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length)).toBe(0);
        await expect.poll(() => page.locator('td.test-name', { hasText: 'window.__pwned = "script"' }).count()).toBe(1);
        // The detail shows the strings literally.
        await page.locator('button.cell.st-failed').first().click();
        const dialog = page.locator('dialog[open]');
        expect(await dialog.locator('pre').first().textContent()).toBe(SCRIPT);
        expect(opened.consoleErrors).toEqual([]);
        expect(opened.foreignRequests).toEqual([]);
      } finally {
        await opened.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
