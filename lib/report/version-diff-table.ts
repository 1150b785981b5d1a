// The version diff in the terminal: per broker and version step, the tests that changed (regressions
// first), new and resolved findings, and the benchmark figures that moved beyond the noise band.
// Compact: unchanged tests and figures within noise are counted, not listed. A pure function of the
// diff model (lib/results/version-diff.ts).
import type { ThresholdMetric } from '../results/thresholds.ts';
import type { BenchDelta, DiffSide, TestChangeKind, VersionDiff } from '../results/version-diff.ts';

/** How each benchmark figure is named and printed (terminal and HTML). */
export const BENCH_METRIC_LOOK: Record<ThresholdMetric, { label: string; show: (n: number) => string } | undefined> = {
  msgsPerSec: { label: 'msgs/s', show: (n) => Math.round(n).toLocaleString('en-US') },
  connectionsPerSec: { label: 'conn/s', show: (n) => Math.round(n).toLocaleString('en-US') },
  opsPerSec: { label: 'ops/s', show: (n) => Math.round(n).toLocaleString('en-US') },
  p50Ms: { label: 'p50', show: (n) => `${n.toFixed(2)} ms` },
  p90Ms: undefined,
  p99Ms: { label: 'p99', show: (n) => `${n.toFixed(2)} ms` },
  p999Ms: { label: 'p99.9', show: (n) => `${n.toFixed(2)} ms` },
  maxMs: undefined,
  meanMs: undefined,
  lossRate: { label: 'loss rate', show: (n) => `${(n * 100).toFixed(3)}%` },
  lost: undefined,
  duplicates: undefined,
  reordered: undefined,
  brokerCpuPercent: { label: 'broker CPU', show: (n) => `${n.toFixed(0)}%` },
  brokerRssBytes: { label: 'broker RSS', show: (n) => `${(n / 1048576).toFixed(1)} MiB` },
  bytesPerConnection: undefined,
  generatorBytesPerConnection: { label: 'generator B/conn', show: (n) => Math.round(n).toLocaleString('en-US') },
  connectionsHeld: { label: 'connections held', show: (n) => Math.round(n).toLocaleString('en-US') },
  kneeMsgsPerSec: { label: 'knee msgs/s', show: (n) => Math.round(n).toLocaleString('en-US') },
};

export const CHANGE_WORD: Record<TestChangeKind, string> = { regressed: 'REGRESSED', fixed: 'fixed', changed: 'changed', added: 'added', removed: 'removed', unchanged: 'unchanged' };

/** Rows listed per diff before "… and N more". */
const MAX_TEST_ROWS = 40;

/** "mosquitto 2.0.21", plus the version the broker reported where it differs from the one requested, and the run where the sides come from two. */
export const sideText = (s: DiffSide, otherRun: string) =>
  `${s.name} ${s.version}${s.brokerVersion !== s.version ? ` (reports ${s.brokerVersion})` : ''}${s.runId !== otherRun ? ` (run ${s.runId})` : ''}`;

export function diffTitle(d: VersionDiff): string {
  return `${sideText(d.old, d.new.runId)} → ${sideText(d.new, d.old.runId)}`;
}

export function countsText(d: VersionDiff): string {
  const c = d.counts;
  return `${c.regressed} regressed, ${c.fixed} fixed, ${c.changed} changed, ${c.added} added, ${c.removed} removed, ${c.unchanged} unchanged`;
}

export function pctText(b: Pick<BenchDelta, 'pct'>): string {
  return b.pct === undefined ? 'from 0' : `${b.pct > 0 ? '+' : ''}${b.pct.toFixed(1)}%`;
}

function pad(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (i < r.length - 1 ? (r[i] ?? '').length : 0))));
  return rows.map((r) => `    ${r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]!) : c)).join('  ')}`.trimEnd());
}

export function renderVersionDiffs(diffs: readonly VersionDiff[], unpaired: readonly string[] = []): string {
  if (!diffs.length && !unpaired.length) return '';
  const lines: string[] = ['', 'Version diff (regressions first):'];
  for (const d of diffs) {
    lines.push(`  ${diffTitle(d)}: ${countsText(d)}`);
    const changed = d.tests.filter((t) => t.kind !== 'unchanged');
    if (changed.length) {
      const rows = [['change', 'protocol', 'test', 'old → new', 'statements']];
      for (const t of changed.slice(0, MAX_TEST_ROWS)) {
        rows.push([CHANGE_WORD[t.kind], t.protocol ?? '-', t.key, `${t.old ?? '-'} → ${t.new ?? '-'}`, t.spec.join(' ')]);
      }
      lines.push(...pad(rows));
      if (changed.length > MAX_TEST_ROWS) lines.push(`    ... and ${changed.length - MAX_TEST_ROWS} more changed tests (see the report)`);
      const reasons = changed.filter((x) => x.kind === 'regressed' && x.reason);
      if (reasons.length) lines.push('    why the regressed ones failed:');
      for (const t of reasons.slice(0, 10)) lines.push(`      ${t.key}: ${t.reason}`);
      if (reasons.length > 10) lines.push(`      ... and ${reasons.length - 10} more (see the report)`);
    }
    for (const f of d.findings) {
      lines.push(`    ${f.change === 'new' ? 'NEW finding' : 'resolved   '}  ${f.finding.severity.padEnd(6)} ${f.finding.title}${f.counted ? '' : '  [rig: not counted]'}`);
    }
    const moved = d.benchmarks.filter((b) => b.direction === 'better' || b.direction === 'worse');
    const quiet = d.benchmarks.length - moved.length;
    if (d.benchmarks.length) {
      lines.push(`    benchmarks: ${moved.length} figures moved beyond their noise band, ${quiet} within it or not comparable`);
      const rows = [['scenario', 'figure', 'old → new', 'change', 'band']];
      for (const b of moved) {
        const look = BENCH_METRIC_LOOK[b.metric];
        const show = (n: number | undefined) => (n === undefined ? '-' : look ? look.show(n) : String(n));
        rows.push([b.scenario, look?.label ?? b.metric, `${show(b.old)} → ${show(b.new)}`, `${pctText(b)} ${b.direction}`, `±${b.bandPct}% (${b.band})`]);
      }
      if (moved.length) lines.push(...pad(rows));
    }
  }
  for (const u of unpaired) lines.push(`  not compared: ${u}`);
  return lines.join('\n') + '\n';
}
