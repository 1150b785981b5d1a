// The compact summary printed at the end of every run: a pure function of the results document.
import type { ResultsDocument, TestStatus } from '../results/types.ts';
import { TEST_STATUSES } from '../results/types.ts';
import { renderCoverage } from '../results/coverage.ts';

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function renderTerminalSummary(doc: ResultsDocument, runDir: string): string {
  const lines: string[] = [''];
  const header = ['target', 'driver', 'version', ...TEST_STATUSES];
  const rows = doc.targets.map((t) => {
    const tests = doc.tests.filter((x) => x.target === t.name);
    const counts = TEST_STATUSES.map((s) => String(tests.filter((x) => x.status === s).length));
    return [t.name, t.driver, t.startError ? 'START FAILED' : t.brokerVersion, ...counts];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  lines.push(header.map((h, i) => pad(h, widths[i]!)).join('  '));
  for (const r of rows) lines.push(r.map((c, i) => pad(c, widths[i]!)).join('  '));

  const bad = doc.tests.filter((t) => t.status === 'failed' || t.status === 'error');
  if (bad.length) {
    lines.push('', 'Failures:');
    for (const t of bad.slice(0, 40)) {
      lines.push(`  ${t.status === 'error' ? 'ERROR' : 'FAIL '} ${t.target}${t.protocol ? ` mqtt ${t.protocol}` : ''}  ${t.id}`);
      if (t.detail?.reason) lines.push(`        ${t.detail.reason}`);
    }
    if (bad.length > 40) lines.push(`  ... and ${bad.length - 40} more (see results.json)`);
  }
  // Passes that needed a tolerance beyond the specification are counted and named, never hidden.
  const tolerated = doc.tests.filter((t) => t.detail?.tolerated);
  if (tolerated.length) {
    lines.push('', `Tolerated: ${tolerated.length} passed only by the default tolerance beyond the specification (--strict fails them):`);
    for (const t of tolerated.slice(0, 20)) lines.push(`  ${t.target}${t.protocol ? ` mqtt ${t.protocol}` : ''}  ${t.key}: ${t.detail!.tolerated}`);
    if (tolerated.length > 20) lines.push(`  ... and ${tolerated.length - 20} more (see results.json)`);
  }
  const stale = doc.tests.filter((t) => t.detail?.expectation?.stale);
  if (stale.length) {
    lines.push('', 'Listed as known deviations but passed now (prune the expectations file):');
    for (const t of stale) lines.push(`  ${t.target}${t.protocol ? ` mqtt ${t.protocol}` : ''}  ${t.id}`);
  }
  for (const t of doc.targets.filter((x) => x.unmatchedExpectations?.length)) {
    lines.push('', `Expectation entries for ${t.name} that match no test (renamed or removed? fix fixtures/expectations/${t.name}.json):`);
    for (const id of t.unmatchedExpectations!) lines.push(`  ${id}`);
  }
  lines.push(...renderCoverage(doc.coverage));
  for (const t of doc.targets.filter((x) => x.startError)) lines.push('', `start failed: ${t.startError}`);
  lines.push('', `Results: ${runDir}/results.json  (exit code ${doc.run.exitCode})`);
  return lines.join('\n') + '\n';
}

export function countStatuses(doc: ResultsDocument): Record<TestStatus, number> {
  return Object.fromEntries(TEST_STATUSES.map((s) => [s, doc.tests.filter((t) => t.status === s).length])) as Record<TestStatus, number>;
}
