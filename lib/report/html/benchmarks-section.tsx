// Benchmark figures: throughput bars, latency percentile curves, broker CPU/RSS, loss/dup/reorder,
// generator-bound flags, thresholds and baseline verdicts.
import type { BenchmarkResult, ResultsDocument } from '../../results/types.ts';
import type { ReportCharts } from '../charts/report-charts.ts';
import { hasLoss } from '../charts/loss-chart.ts';
import { variantLabel } from '../charts/series-label.ts';
import { ChartFigure } from './chart-figure.tsx';
import { DeltaText } from './delta-cell.tsx';
import { fmtBytes, fmtMs, fmtNumber, fmtPercent } from './format.ts';

export function BenchmarksSection({ doc, charts }: { doc: ResultsDocument; charts: ReportCharts }) {
  const rows = doc.benchmarks ?? [];
  const bound = rows.filter((b) => b.generator?.bound);
  return (
    <section id="benchmarks">
      <h2>Benchmarks</h2>
      {bound.length ? (
        <p class="warn">⚠ The load generator was the bottleneck in {bound.length} of {rows.length} runs (marked “generator-bound”): their figures
          show the generator's limit, not the broker's.</p>
      ) : null}
      <table class="grid bench">
        <thead>
          <tr>
            <th>scenario</th><th>target</th><th>variant</th><th class="num">msgs/s</th><th class="num">p50</th><th class="num">p99</th><th class="num">p99.9</th><th class="num">max</th>
            <th class="num">lost</th><th class="num">dup</th><th class="num">reord.</th><th class="num">broker CPU</th><th class="num">broker RSS</th><th>notes</th>
          </tr>
        </thead>
        <tbody>{rows.map((b) => <BenchRow b={b} />)}</tbody>
      </table>
      <div class="charts">
        {charts.throughput ? <ChartFigure chart={charts.throughput} /> : null}
        {charts.latency.map((c) => <ChartFigure chart={c} />)}
        {charts.resources.map((c) => <ChartFigure chart={c} />)}
        {charts.loss ? <ChartFigure chart={charts.loss} /> : null}
        {charts.knees.map((c) => <ChartFigure chart={c} />)}
      </div>
      {rows.some((b) => b.loss) && !hasLoss(rows) ? <p class="ok-text">✓ No message was lost, duplicated or reordered in any scenario.</p> : null}
    </section>
  );
}

function BenchRow({ b }: { b: BenchmarkResult }) {
  const l = b.latency;
  return (
    <tr class={b.generator?.bound ? 'generator-bound' : ''}>
      <td><b>{b.scenario}</b><div class="muted">{b.kind}</div></td>
      <td>{b.target}</td>
      <td>{variantLabel(b)}</td>
      <td class="num">{b.kind === 'connections' && !b.msgsPerSec ? '—' : fmtNumber(b.msgsPerSec)}</td>
      <td class="num">{fmtMs(l?.p50Ms)}</td>
      <td class="num">{fmtMs(l?.p99Ms)}</td>
      <td class="num">{fmtMs(l?.p999Ms)}</td>
      <td class="num">{fmtMs(l?.maxMs)}</td>
      <td class="num">{b.loss ? `${fmtNumber(b.loss.lost)}${b.loss.lost ? ` (${fmtPercent(b.loss.lossRate * 100, 2)})` : ''}` : '—'}</td>
      <td class="num">{fmtNumber(b.loss?.duplicates)}</td>
      <td class="num">{fmtNumber(b.loss?.reordered)}</td>
      <td class="num">{fmtPercent(b.broker?.cpuPercentMean)}</td>
      <td class="num">{fmtBytes(b.broker?.rssBytesMax)}</td>
      <td class="notes">
        {b.generator?.bound ? <div class="warn-text">⚠ generator-bound ({fmtPercent(b.generator.cpuPercentMean, 0)} CPU)</div> : null}
        {Object.entries(b.extra ?? {}).map(([k, v]) => <div>{k}: <b>{fmtNumber(v, 2)}</b></div>)}
        {b.sweep ? <div>sweep: knee <b>{b.sweep.kneeMsgsPerSec !== undefined ? fmtNumber(b.sweep.kneeMsgsPerSec) : 'none'}</b> msgs/s at p99 ≤ {fmtMs(b.sweep.p99BoundMs)}; {b.sweep.steps.length} steps; stopped by {b.sweep.stoppedBy}</div> : null}
        {(b.thresholds ?? []).map((t) => (
          <div class={t.verdict === 'passed' ? 'ok-text' : 'bad-text'}>
            {t.verdict === 'passed' ? '✓' : t.verdict === 'failed' ? '✗' : '∅'} <code>{t.expression}</code> {t.verdict}{t.actual !== undefined ? ` (${fmtNumber(t.actual, 3)})` : ''}
          </div>
        ))}
        {b.baseline ? (
          <div class={b.baseline.regression ? 'bad-text' : ''}>
            {b.baseline.regression ? '✗ regression vs baseline' : 'vs baseline'}:{' '}
            {b.baseline.msgsPerSec !== undefined ? <div>msgs/s <DeltaText from={b.baseline.msgsPerSec} to={b.msgsPerSec} higherIsBetter={true} /></div> : null}
            {b.baseline.p99Ms !== undefined ? <div>p99 <DeltaText from={b.baseline.p99Ms} to={l?.p99Ms} higherIsBetter={false} /></div> : null}
            {b.baseline.note ? <div class="muted">{b.baseline.note}</div> : null}
          </div>
        ) : null}
      </td>
    </tr>
  );
}
