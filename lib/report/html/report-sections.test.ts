import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import type { ResultsDocument } from '../../results/types.ts';
import { ROOT } from '../../core/paths.ts';
import { renderReportHtml } from './render-report.tsx';
import { REPORT_SECTIONS } from './report-sections.tsx';

const fixture = () => JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/results-full.json'), 'utf8')) as ResultsDocument;

const navLinks = (html: string) => [...(/<nav>(.*?)<\/nav>/s.exec(html)?.[1] ?? '').matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
const sectionIds = (html: string) => [...html.matchAll(/<section id="([^"]+)"/g)].map((m) => m[1]);

test('section ids are unique', () => {
  expect(new Set(REPORT_SECTIONS.map((s) => s.id)).size).toBe(REPORT_SECTIONS.length);
});

test.for([
  ['a full run', fixture()],
  ['a run with no tests, findings or benchmarks', { ...fixture(), tests: [], findings: undefined, benchmarks: undefined }],
] as const)('%s: the nav links exactly the sections on the page, in page order', async ([, doc]) => {
  const html = await renderReportHtml(doc as ResultsDocument);
  const expected = REPORT_SECTIONS.filter((s) => s.hasContent(doc as ResultsDocument)).map((s) => s.id);
  expect(navLinks(html)).toEqual(expected);
  expect(sectionIds(html)).toEqual(expected);
});
