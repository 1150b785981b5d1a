// Writes a run's index.html next to its results.json (atomic: a reader never sees half a page).
import path from 'node:path';
import type { ResultsDocument } from '../../results/types.ts';
import { writeFileAtomic } from '../../results/write-results.ts';
import { renderReportHtml } from './render-report.tsx';

export const REPORT_FILE = 'index.html';

export async function writeReport(runDir: string, doc: ResultsDocument): Promise<string> {
  const file = path.join(runDir, REPORT_FILE);
  writeFileAtomic(file, await renderReportHtml(doc));
  return file;
}
