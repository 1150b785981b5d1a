// The release gate's verdict (scripts/release-gate.sh): in one run over two versions of a broker
// (`--target <b>@<old>,<b>@<new>`), a test that passed on the old version and fails on the new one is
// a regression. Tests are matched by key and protocol, never by title (docs/test-keys.md).
import type { ResultsDocument, TestResult, TestStatus } from './types.ts';
import { labelOf } from './types.ts';

/** A new-version status that breaks what the old version did. An expected-failure counts: an entry
 * excusing the new version records the deviation, it does not make the release keep the behaviour. */
const REGRESSED: readonly TestStatus[] = ['failed', 'error', 'expected-failure'];

export interface VersionChange {
  key: string;
  protocol: TestResult['protocol'];
  id: string;
  before: TestStatus;
  /** Absent: the test did not run on the new version. */
  after?: TestStatus;
  reason?: string;
}

export interface VersionVerdict {
  oldLabel: string;
  newLabel: string;
  /** Passed on the old version, failed (or error, or expected-failure) on the new one: the gate fails. */
  regressions: VersionChange[];
  /** Passed on the old version, not-applicable, skipped or absent on the new one: shown, not failing. */
  notExercised: VersionChange[];
  /** Failed (or expected-failure) on the old version, passed on the new one. */
  fixed: VersionChange[];
  /** Whether either target could not be started (its tests did not run: no verdict). */
  startErrors: string[];
}

const slot = (t: Pick<TestResult, 'key' | 'protocol'>) => `${t.key}\u0000${t.protocol ?? ''}`;

export function versionVerdict(doc: ResultsDocument, oldLabel: string, newLabel: string): VersionVerdict {
  const labels = doc.targets.map(labelOf);
  for (const l of [oldLabel, newLabel]) {
    if (!labels.includes(l)) throw new Error(`results have no target "${l}"; they have: ${labels.join(', ') || 'none'}`);
  }
  const after = new Map(doc.tests.filter((t) => t.target === newLabel).map((t) => [slot(t), t]));
  const regressions: VersionChange[] = [];
  const notExercised: VersionChange[] = [];
  const fixed: VersionChange[] = [];
  for (const b of doc.tests.filter((t) => t.target === oldLabel)) {
    const a = after.get(slot(b));
    const change: VersionChange = { key: b.key, protocol: b.protocol, id: b.id, before: b.status, ...(a ? { after: a.status } : {}), ...(a?.detail?.reason ? { reason: a.detail.reason } : {}) };
    if (b.status === 'passed') {
      if (a && REGRESSED.includes(a.status)) regressions.push(change);
      else if (!a || a.status !== 'passed') notExercised.push(change);
    } else if ((b.status === 'failed' || b.status === 'expected-failure') && a?.status === 'passed') {
      fixed.push(change);
    }
  }
  const startErrors = doc.targets.filter((t) => [oldLabel, newLabel].includes(labelOf(t)) && t.startError).map((t) => `${labelOf(t)}: ${t.startError}`);
  return { oldLabel, newLabel, regressions, notExercised, fixed, startErrors };
}

const line = (c: VersionChange) => `  ${c.before} → ${c.after ?? 'not run'}  ${c.protocol ? `mqtt ${c.protocol}  ` : ''}${c.key}${c.reason ? `: ${c.reason}` : ''}`;

export function renderVersionVerdict(v: VersionVerdict): string {
  const out = [`release gate ${v.oldLabel} → ${v.newLabel}: ${v.regressions.length} regression(s), ${v.fixed.length} fixed, ${v.notExercised.length} passed before and not exercised now`];
  for (const e of v.startErrors) out.push(`  START FAILED ${e}`);
  if (v.regressions.length) out.push('regressions:', ...v.regressions.map(line));
  if (v.fixed.length) out.push('fixed:', ...v.fixed.map(line));
  if (v.notExercised.length) out.push('not exercised on the new version:', ...v.notExercised.slice(0, 20).map(line));
  return out.join('\n') + '\n';
}
