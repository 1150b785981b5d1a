// Terminal table of benchmark results: one block per scenario, one column per target, figures of
// later targets also as ratios to the first target. A pure function of the results document.
import { labelOf, type BenchmarkResult, type ResultsDocument } from '../results/types.ts';
import { METRICS } from '../results/thresholds.ts';

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const mib = (b: number) => `${(b / 1048576).toFixed(1)} MiB`;
/** Milliseconds with enough digits for micro-benchmarks (µs-scale values). */
const msec = (n: number) => n.toFixed(n < 0.1 ? 4 : 2);

interface Row {
  label: string;
  value: (r: BenchmarkResult) => number | undefined;
  show: (n: number) => string;
}

const ROWS: Row[] = [
  // Read as thresholds read it: results with no message flow (connections, micro) show no rate.
  { label: 'msgs/s', value: METRICS.msgsPerSec, show: int },
  { label: 'knee msgs/s', value: METRICS.kneeMsgsPerSec, show: int },
  { label: 'conn/s', value: (r) => r.extra?.connectionsPerSec, show: int },
  { label: 'held', value: METRICS.connectionsHeld, show: int },
  { label: 'ops/s', value: (r) => r.extra?.opsPerSec, show: int },
  { label: 'p50 ms', value: (r) => r.latency?.p50Ms, show: msec },
  { label: 'p99 ms', value: (r) => r.latency?.p99Ms, show: msec },
  { label: 'p99.9 ms', value: (r) => r.latency?.p999Ms, show: msec },
  { label: 'max ms', value: (r) => r.latency?.maxMs, show: msec },
  { label: 'lost', value: (r) => r.loss?.lost, show: int },
  { label: 'dup', value: (r) => r.loss?.duplicates, show: int },
  { label: 'reordered', value: (r) => r.loss?.reordered, show: int },
  { label: 'broker CPU %', value: (r) => r.broker?.cpuPercentMean, show: (n) => n.toFixed(0) },
  { label: 'broker RSS', value: (r) => r.broker?.rssBytesMax, show: mib },
  { label: 'broker B/conn', value: METRICS.bytesPerConnection, show: int },
  { label: 'gen B/conn', value: METRICS.generatorBytesPerConnection, show: int },
  { label: 'gen CPU %', value: (r) => r.generator?.cpuPercentMean, show: (n) => n.toFixed(0) },
];

function pad(s: string, n: number, right = false): string {
  return s.length >= n ? s : right ? ' '.repeat(n - s.length) + s : s + ' '.repeat(n - s.length);
}

export function renderBenchTable(doc: ResultsDocument): string {
  const results = doc.benchmarks ?? [];
  if (!results.length) return '';
  const targets = [...new Set(results.map((r) => r.target))];
  const scenarios = [...new Set(results.map((r) => r.scenario))];
  const lines: string[] = ['', `Benchmarks${targets.length > 1 ? ` (ratios: each target / ${targets[0]})` : ''}`];
  const table: string[][] = [['scenario', 'figure', ...targets]];
  for (const s of scenarios) {
    const per = targets.map((t) => results.find((r) => r.scenario === s && r.target === t));
    let first = true;
    const label = () => (first ? ((first = false), s) : '');
    for (const p of per) {
      if (p?.notRun || p?.error) {
        table.push([label(), p.notRun ? 'not run' : 'error', ...per.map((x) => (x === p ? (p.notRun ?? p.error ?? '') : ''))]);
      }
    }
    for (const row of ROWS) {
      const values = per.map((r) => (r && !r.notRun && !r.error ? row.value(r) : undefined));
      if (values.every((v) => v === undefined)) continue;
      const base = values[0];
      table.push([label(), row.label, ...values.map((v, i) => {
        if (v === undefined) return '-';
        const ratio = i > 0 && base !== undefined && base !== 0 ? ` (${(v / base).toFixed(2)}×)` : '';
        return row.show(v) + ratio;
      })]);
    }
    const flags = per.map((r) => (r?.generator?.bound ? `${r.target}: generator-bound` : '')).filter(Boolean);
    if (flags.length) table.push(['', 'note', flags.join('; ')]);
    for (const r of per) {
      for (const v of r?.thresholds ?? []) if (v.verdict !== 'passed') table.push(['', 'THRESHOLD', `${r!.target}: ${v.expression} → ${v.verdict === 'no-data' ? 'NO DATA' : `FAILED (actual ${v.actual})`}`]);
      if (r?.baseline?.regression) table.push(['', 'REGRESSION', `${r.target}: ${r.baseline.note}`]);
    }
  }
  const widths = table[0]!.map((_, i) => Math.min(48, Math.max(...table.filter((r) => r.length > 3 || i < 2).map((r) => (r[i] ?? '').length))));
  for (const r of table) {
    lines.push(r.map((c, i) => (i === r.length - 1 && r.length === 3 && table[0]!.length > 3 ? c : pad(c, widths[i]!, i >= 2))).join('  ').trimEnd());
  }
  // An embedded broker shares the harness process: its CPU is the main thread's (generators run in
  // worker threads), but memory cannot be split per thread, so its RSS is the whole process's.
  const embedded = targets.filter((t) => (doc.targets ?? []).find((x) => labelOf(x) === t)?.driver === 'embedded');
  if (embedded.length) lines.push(`Note: ${embedded.join(', ')} ran embedded: broker CPU % is the harness main thread; broker RSS is the whole harness process, generator included.`);
  return lines.join('\n') + '\n';
}
