// The version diff (issue 18, release gate across versions): what changed from one version of a
// broker to the next, per test (key + protocol), per finding and per benchmark figure. Pure: it reads
// results documents only. Two sources: one run that covered several versions of one broker
// (`--target mosquitto@2.0.11,mosquitto@2.0.21`: consecutive versions, in numeric order), or two
// runs (old, new: `npm run report -- --compare`). The terminal table, the HTML section and the JSON
// written by --compare all render this model.
import { benchmarkKey } from './benchmark-identity.ts';
import { attributionOf } from './findings.ts';
import { METRICS, type ThresholdMetric } from './thresholds.ts';
import type { BenchmarkResult, Finding, ResultsDocument, TargetRecord, TestResult, TestStatus } from './types.ts';
import { compareVersions } from './version-range.ts';

/**
 * regressed: passed → failed / error / expected-failure (a known deviation that appeared is still a
 * regression of that version); fixed: failed / error / expected-failure → passed; changed: any other
 * status change (e.g. passed → not-applicable, failed → error); added / removed: in one side only.
 */
export const TEST_CHANGE_KINDS = ['regressed', 'fixed', 'changed', 'added', 'removed', 'unchanged'] as const;
export type TestChangeKind = (typeof TEST_CHANGE_KINDS)[number];

const FAILING: readonly TestStatus[] = ['failed', 'error', 'expected-failure'];

export function classifyChange(before: TestStatus | undefined, after: TestStatus | undefined): TestChangeKind {
  if (before === undefined) return after === undefined ? 'unchanged' : 'added';
  if (after === undefined) return 'removed';
  if (before === after) return 'unchanged';
  if (before === 'passed' && FAILING.includes(after)) return 'regressed';
  if (FAILING.includes(before) && after === 'passed') return 'fixed';
  return 'changed';
}

/** One side of a diff: a target of one run. */
export interface DiffSide {
  /** TestResult.target of its tests: the label (mosquitto@2.0.21) or the name. */
  label: string;
  /** The broker (TargetRecord.name). */
  name: string;
  /** The requested version, else the version the broker reported. */
  version: string;
  brokerVersion: string;
  runId: string;
}

export interface TestDiff {
  kind: TestChangeKind;
  key: string;
  protocol: TestResult['protocol'];
  title: string;
  /** Statement ids of the test (the HTML links each to its statement). */
  spec: string[];
  old?: TestStatus;
  new?: TestStatus;
  /** The new side's reason (else the old side's, for removed tests). */
  reason?: string;
}

export interface FindingDiff {
  change: 'new' | 'resolved';
  /** False for the rig's findings (configuration the harness chose): shown, never gating. */
  counted: boolean;
  finding: Finding;
}

export type BenchDirection = 'better' | 'worse' | 'within noise' | 'n/a';

export interface BenchDelta {
  scenario: string;
  /** benchmarkKey: scenario | protocol | QoS | payload | transport. */
  variant: string;
  metric: ThresholdMetric;
  higherIsBetter: boolean;
  old?: number;
  new?: number;
  /** Relative change, percent; absent from 0 or when a side has no figure. */
  pct?: number;
  direction: BenchDirection;
  /** A change within ±bandPct reads "within noise". */
  bandPct: number;
  /** How the band was found (see noiseBand). */
  band: string;
}

export interface VersionDiff {
  broker: string;
  old: DiffSide;
  new: DiffSide;
  /** Every test of either side, regressions first (TEST_CHANGE_KINDS order), then protocol and key. */
  tests: TestDiff[];
  counts: Record<TestChangeKind, number>;
  /** New findings first, counted before the rig's. */
  findings: FindingDiff[];
  /** Worse first, then better, then within noise. */
  benchmarks: BenchDelta[];
}

export const labelOf = (t: Pick<TargetRecord, 'name' | 'label'>): string => t.label ?? t.name;
const versionOf = (t: TargetRecord): string => t.version ?? t.brokerVersion;
const sideOf = (doc: ResultsDocument, t: TargetRecord): DiffSide => ({ label: labelOf(t), name: t.name, version: versionOf(t), brokerVersion: t.brokerVersion, runId: doc.run.id });

/** A test's statement ids, or the specification sections its title cites when the behaviour has no id ("§4.8.2"). */
const statementsOf = (t: Pick<TestResult, 'spec' | 'title'>): string[] => (t.spec?.length ? t.spec : [...new Set(t.title.match(/§\d+(?:\.\d+)*/g) ?? [])]);

const testSlot = (t: Pick<TestResult, 'key' | 'protocol'>) => `${t.protocol ?? ''}\u0000${t.key}`;

function diffTests(before: TestResult[], after: TestResult[]): TestDiff[] {
  const a = new Map(before.map((t) => [testSlot(t), t]));
  const b = new Map(after.map((t) => [testSlot(t), t]));
  const out: TestDiff[] = [];
  for (const slot of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(slot);
    const y = b.get(slot);
    const t = (y ?? x)!;
    const reason = y?.detail?.reason ?? (y ? undefined : x?.detail?.reason);
    out.push({ kind: classifyChange(x?.status, y?.status), key: t.key, protocol: t.protocol, title: t.title, spec: statementsOf(t), ...(x ? { old: x.status } : {}), ...(y ? { new: y.status } : {}), ...(reason ? { reason } : {}) });
  }
  return out.sort((p, q) => TEST_CHANGE_KINDS.indexOf(p.kind) - TEST_CHANGE_KINDS.indexOf(q.kind) || (p.protocol ?? '').localeCompare(q.protocol ?? '') || p.key.localeCompare(q.key));
}

/** A finding is the same across versions when its title, attribution and tests agree (its target is the version's label). */
const findingSlot = (f: Finding) => [f.title, attributionOf(f), [...f.tests].sort().join(',')].join('\u0000');
const SEVERITIES: Finding['severity'][] = ['high', 'medium', 'low', 'info'];

function diffFindings(before: Finding[], after: Finding[]): FindingDiff[] {
  const a = new Set(before.map(findingSlot));
  const b = new Set(after.map(findingSlot));
  const out: FindingDiff[] = [
    ...after.filter((f) => !a.has(findingSlot(f))).map((finding) => ({ change: 'new' as const, counted: attributionOf(finding) !== 'rig', finding })),
    ...before.filter((f) => !b.has(findingSlot(f))).map((finding) => ({ change: 'resolved' as const, counted: attributionOf(finding) !== 'rig', finding })),
  ];
  return out.sort((p, q) => (p.change === q.change ? 0 : p.change === 'new' ? -1 : 1) || Number(q.counted) - Number(p.counted) || SEVERITIES.indexOf(p.finding.severity) - SEVERITIES.indexOf(q.finding.severity));
}

/** The figures a diff compares, with the direction that is better. */
export const BENCH_METRICS: readonly { metric: ThresholdMetric; higherIsBetter: boolean }[] = [
  { metric: 'msgsPerSec', higherIsBetter: true },
  { metric: 'connectionsPerSec', higherIsBetter: true },
  { metric: 'opsPerSec', higherIsBetter: true },
  { metric: 'p50Ms', higherIsBetter: false },
  { metric: 'p99Ms', higherIsBetter: false },
  { metric: 'p999Ms', higherIsBetter: false },
  { metric: 'lossRate', higherIsBetter: false },
  { metric: 'brokerCpuPercent', higherIsBetter: false },
  { metric: 'brokerRssBytes', higherIsBetter: false },
  { metric: 'kneeMsgsPerSec', higherIsBetter: true },
  { metric: 'generatorBytesPerConnection', higherIsBetter: false },
];

/** Changes under this many percent are noise on a shared machine, whatever the run's own band says. */
export const NOISE_FLOOR_PERCENT = 2;
/** With at least this many broker samples the first and last (ramp-up, drain) are left out of the band. */
const TRIM_FROM_SAMPLES = 5;

const median = (xs: number[]) => {
  const s = [...xs].sort((p, q) => p - q);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Coefficient of variation (percent) of the broker's per-interval CPU samples; undefined under 3 samples. */
function intervalCv(r: BenchmarkResult): { cv: number; n: number } | undefined {
  const all = (r.broker?.samples ?? []).map((s) => s.cpuPercent);
  const xs = all.length >= TRIM_FROM_SAMPLES ? all.slice(1, -1) : all;
  if (xs.length < 3) return undefined;
  const mean = xs.reduce((p, q) => p + q, 0) / xs.length;
  if (mean <= 0) return undefined;
  const sd = Math.sqrt(xs.reduce((p, q) => p + (q - mean) ** 2, 0) / (xs.length - 1));
  return { cv: (sd / mean) * 100, n: xs.length };
}

/**
 * The noise band of one figure. The bench output has no per-interval throughput or latency, so:
 * where a side measured the scenario more than once (repeats in the same run), the band is the spread
 * of the repeats, (max − min) / median; else it is the coefficient of variation of the broker's CPU
 * samples (one per 500 ms, first and last dropped): a broker whose load swung by X% from interval to
 * interval cannot resolve a change smaller than X% between two runs. The larger side wins, and the
 * band is never under NOISE_FLOOR_PERCENT.
 */
export function noiseBand(metric: ThresholdMetric, before: BenchmarkResult[], after: BenchmarkResult[]): { bandPct: number; band: string } {
  const spreads = [before, after].filter((rs) => rs.length > 1).map((rs) => {
    const xs = rs.map((r) => METRICS[metric](r)).filter((x): x is number => x !== undefined);
    const m = xs.length > 1 ? median(xs) : 0;
    return { pct: m > 0 ? ((Math.max(...xs) - Math.min(...xs)) / m) * 100 : 0, n: rs.length };
  });
  let bandPct: number;
  let band: string;
  if (spreads.length) {
    const widest = spreads.reduce((p, q) => (q.pct > p.pct ? q : p));
    bandPct = widest.pct;
    band = `spread of ${widest.n} repeats`;
  } else {
    const cvs = [...before, ...after].map(intervalCv).filter((c) => c !== undefined);
    bandPct = Math.max(0, ...cvs.map((c) => c.cv));
    band = cvs.length ? `CV of ${cvs.map((c) => c.n).join(' + ')} broker CPU intervals` : 'no repeats or interval samples';
  }
  if (bandPct < NOISE_FLOOR_PERCENT) return { bandPct: NOISE_FLOOR_PERCENT, band: `floor ${NOISE_FLOOR_PERCENT}% (${band})` };
  return { bandPct: Math.round(bandPct * 10) / 10, band };
}

/** Relative change and its direction once the band is known. */
export function benchDirection(from: number | undefined, to: number | undefined, higherIsBetter: boolean, bandPct: number): { pct?: number; direction: BenchDirection } {
  if (from === undefined || to === undefined || !Number.isFinite(from) || !Number.isFinite(to)) return { direction: 'n/a' };
  if (from === 0) return to === 0 ? { pct: 0, direction: 'within noise' } : { direction: higherIsBetter === to > 0 ? 'better' : 'worse' };
  const pct = ((to - from) / Math.abs(from)) * 100;
  if (Math.abs(pct) <= bandPct) return { pct, direction: 'within noise' };
  return { pct, direction: (pct > 0) === higherIsBetter ? 'better' : 'worse' };
}

const DIRECTION_ORDER: BenchDirection[] = ['worse', 'better', 'within noise', 'n/a'];
const measured = (r: BenchmarkResult) => !r.notRun && !r.error;

function diffBenchmarks(before: BenchmarkResult[], after: BenchmarkResult[]): BenchDelta[] {
  const variants = [...new Set([...before, ...after].filter(measured).map(benchmarkKey))];
  const out: BenchDelta[] = [];
  for (const variant of variants) {
    const a = before.filter((r) => measured(r) && benchmarkKey(r) === variant);
    const b = after.filter((r) => measured(r) && benchmarkKey(r) === variant);
    if (!a.length || !b.length) continue;
    for (const { metric, higherIsBetter } of BENCH_METRICS) {
      const figure = (rs: BenchmarkResult[]) => {
        const xs = rs.map((r) => METRICS[metric](r)).filter((x): x is number => x !== undefined);
        return xs.length ? median(xs) : undefined;
      };
      const x = figure(a);
      const y = figure(b);
      if (x === undefined && y === undefined) continue;
      const { bandPct, band } = noiseBand(metric, a, b);
      out.push({ scenario: a[0]!.scenario, variant, metric, higherIsBetter, ...(x !== undefined ? { old: x } : {}), ...(y !== undefined ? { new: y } : {}), ...benchDirection(x, y, higherIsBetter, bandPct), bandPct, band });
    }
  }
  // Stable sort: within a direction, scenarios keep their run order.
  return out.sort((p, q) => DIRECTION_ORDER.indexOf(p.direction) - DIRECTION_ORDER.indexOf(q.direction));
}

/** Pure: the diff from target `oldT` of `oldDoc` to target `newT` of `newDoc` (the same document for an in-run diff). */
export function diffTargets(oldDoc: ResultsDocument, oldT: TargetRecord, newDoc: ResultsDocument, newT: TargetRecord): VersionDiff {
  const of = <T extends { target: string }>(items: T[] | undefined, t: TargetRecord) => (items ?? []).filter((x) => x.target === labelOf(t));
  const tests = diffTests(of(oldDoc.tests, oldT), of(newDoc.tests, newT));
  const counts = Object.fromEntries(TEST_CHANGE_KINDS.map((k) => [k, tests.filter((t) => t.kind === k).length])) as Record<TestChangeKind, number>;
  return {
    broker: newT.name,
    old: sideOf(oldDoc, oldT),
    new: sideOf(newDoc, newT),
    tests,
    counts,
    findings: diffFindings(of(oldDoc.findings, oldT), of(newDoc.findings, newT)),
    benchmarks: diffBenchmarks(of(oldDoc.benchmarks, oldT), of(newDoc.benchmarks, newT)),
  };
}

const byVersion = (p: TargetRecord, q: TargetRecord) => compareVersions(versionOf(p), versionOf(q));
const started = (t: TargetRecord) => !t.startError;

/** One run over several versions of a broker: each version against the one before it (numeric order). Empty when no broker ran in two versions. */
export function versionDiffsInRun(doc: ResultsDocument): VersionDiff[] {
  const out: VersionDiff[] = [];
  for (const name of new Set(doc.targets.map((t) => t.name))) {
    const versions = doc.targets.filter((t) => t.name === name && started(t)).sort(byVersion);
    if (new Set(versions.map(labelOf)).size < 2) continue;
    for (let i = 1; i < versions.length; i++) out.push(diffTargets(doc, versions[i - 1]!, doc, versions[i]!));
  }
  return out;
}

/**
 * Two runs: a target of the new run is paired with the old run's target of the same label (the same
 * broker and version, e.g. a rerun), else with the newest version of the same broker that the old run
 * has and the new run does not. Targets left without a partner are listed in `unpaired`.
 */
export function versionDiffsBetweenRuns(oldDoc: ResultsDocument, newDoc: ResultsDocument): { diffs: VersionDiff[]; unpaired: string[] } {
  const diffs: VersionDiff[] = [];
  const oldLeft = oldDoc.targets.filter(started);
  const newLeft: TargetRecord[] = [];
  for (const t of newDoc.targets.filter(started)) {
    const same = oldLeft.findIndex((o) => labelOf(o) === labelOf(t));
    if (same === -1) { newLeft.push(t); continue; }
    diffs.push(diffTargets(oldDoc, oldLeft.splice(same, 1)[0]!, newDoc, t));
  }
  const unpaired: string[] = [];
  for (const t of newLeft.sort(byVersion).reverse()) {
    const candidates = oldLeft.filter((o) => o.name === t.name).sort(byVersion);
    const partner = candidates[candidates.length - 1];
    if (!partner) { unpaired.push(`${labelOf(t)} (only in the new run)`); continue; }
    oldLeft.splice(oldLeft.indexOf(partner), 1);
    diffs.push(diffTargets(oldDoc, partner, newDoc, t));
  }
  unpaired.push(...oldLeft.map((o) => `${labelOf(o)} (only in the old run)`));
  return { diffs, unpaired };
}

/** What a release gate fails on: a regressed test or a new finding that counts against the broker. Benchmarks never gate here (--baseline does, exit 3). */
export function gateFailures(diffs: readonly VersionDiff[]): { regressed: number; newFindings: number } {
  return {
    regressed: diffs.reduce((n, d) => n + d.counts.regressed, 0),
    newFindings: diffs.reduce((n, d) => n + d.findings.filter((f) => f.change === 'new' && f.counted).length, 0),
  };
}
