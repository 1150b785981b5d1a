// The compact summary printed at the end of every run: a pure function of the results document.
import type { Finding, ResultsDocument, TestStatus } from '../results/types.ts';
import { attributionOf } from '../results/findings.ts';
import { labelOf, TEST_STATUSES } from '../results/types.ts';
import { renderCoverage } from '../results/coverage.ts';

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

const SEVERITIES: Finding['severity'][] = ['high', 'medium', 'low', 'info'];

/**
 * Security findings: those that count against a target (the broker's, or an external broker's
 * operator's) with their severities, and apart from them the rig's — configuration the harness
 * chose for a broker it manages, shown so nothing is hidden but never counted.
 */
export function renderFindings(findings: readonly Finding[] | undefined): string[] {
  if (!findings?.length) return [];
  const bySeverity = (a: Finding, b: Finding) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity);
  const counted = findings.filter((f) => attributionOf(f) !== 'rig').sort(bySeverity);
  const rig = findings.filter((f) => attributionOf(f) === 'rig').sort(bySeverity);
  const lines: string[] = [];
  if (counted.length) {
    const tally = SEVERITIES.map((s) => [s, counted.filter((f) => f.severity === s).length] as const).filter(([, n]) => n).map(([s, n]) => `${n} ${s}`);
    lines.push('', `Security findings (${tally.join(', ')}):`);
    for (const f of counted) lines.push(`  ${f.severity.padEnd(6)} ${f.target}  ${f.title}  [${attributionOf(f)}]`);
  }
  if (rig.length) {
    lines.push('', 'Rig findings (configuration the harness chose for a managed broker; not counted against it):');
    for (const f of rig) lines.push(`  ${f.target}  ${f.title}: ${f.attributionReason ?? 'the harness chose this configuration'}`);
  }
  return lines;
}

/** Differential fuzzing: per protocol, the inputs compared and every difference on a one-answer statement. */
export function renderDifferential(runs: ResultsDocument['fuzzDifferential']): string[] {
  const lines: string[] = [];
  for (const d of runs ?? []) {
    const info = d.informational.reduce((n, x) => n + x.count, 0);
    const total = d.findingCounts.reduce((n, x) => n + x.count, 0);
    lines.push('', `Fuzz differential MQTT ${d.protocol} (seed ${d.seed}, ${d.targets.join(' vs ')}): ${d.compared} inputs compared, ${d.oneAnswer} allow one answer; ${total} finding(s), ${info} informational difference(s)`);
    for (const c of d.findingCounts) lines.push(`  ${c.statement}  ${c.count} input(s) where ${c.deviating} did not close`);
    for (const f of d.findings.slice(0, 20)) lines.push(`  ${f.statement}  input ${f.input}: ${f.problem}; CONNECT ${f.reproducerHex}`);
    if (d.findings.length > 20) lines.push(`  ... and ${d.findings.length - 20} more (see results.json)`);
    for (const x of d.informational.slice(0, 5)) lines.push(`  informational (${x.count}): ${x.reason}`);
  }
  return lines;
}

export function renderTerminalSummary(doc: ResultsDocument, runDir: string): string {
  const lines: string[] = [''];
  const header = ['target', 'driver', 'version', ...TEST_STATUSES];
  const rows = doc.targets.map((t) => {
    const tests = doc.tests.filter((x) => x.target === labelOf(t));
    const counts = TEST_STATUSES.map((s) => String(tests.filter((x) => x.status === s).length));
    return [labelOf(t), t.driver, t.startError ? 'START FAILED' : t.brokerVersion, ...counts];
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
      // A listed test that failed otherwise than its entry expects: say so, or the reader takes it for the known deviation.
      if (t.detail?.expectation?.differentFailure) lines.push(`        not the listed deviation: ${t.detail.expectation.differentFailure}`);
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
    const strict = doc.run.command.includes('--strict-expectations');
    lines.push('', `Stale expectation entries: listed as known deviations but passed now (prune the expectations file${strict ? '; --strict-expectations: the run fails' : ''}):`);
    for (const t of stale) lines.push(`  stale  ${t.target}${t.protocol ? ` mqtt ${t.protocol}` : ''}  ${t.key}  (${t.detail!.expectation!.brokerVersions ?? 'any version'})  ${t.id}`);
  }
  for (const t of doc.targets.filter((x) => x.unmatchedExpectations?.length)) {
    lines.push('', `Expectation entries for ${t.name} that match no test (renamed or removed? fix fixtures/expectations/${t.name}.json):`);
    for (const id of t.unmatchedExpectations!) lines.push(`  ${id}`);
  }
  lines.push(...renderFindings(doc.findings));
  lines.push(...renderDifferential(doc.fuzzDifferential));
  lines.push(...renderCoverage(doc.coverage));
  for (const t of doc.targets.filter((x) => x.startError)) lines.push('', `start failed: ${t.startError}`);
  lines.push('', `Results: ${runDir}/results.json  (exit code ${doc.run.exitCode})`);
  return lines.join('\n') + '\n';
}

export function countStatuses(doc: ResultsDocument): Record<TestStatus, number> {
  return Object.fromEntries(TEST_STATUSES.map((s) => [s, doc.tests.filter((t) => t.status === s).length])) as Record<TestStatus, number>;
}
