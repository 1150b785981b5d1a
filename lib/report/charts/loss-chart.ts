// Lost, duplicated and reordered messages per scenario and target. All-zero data gets no chart (the
// page says so in words instead of drawing empty bars).
import type { TopLevelSpec } from 'vega-lite';
import type { BenchmarkResult } from '../../results/types.ts';
import { renderChart, type ChartSvg } from './render-chart.ts';
import { MULTILINE_LABEL, twoLineLabel, variantLabel } from './series-label.ts';

const METRICS = ['lost', 'duplicates', 'reordered'] as const;

export function lossSpec(benchmarks: BenchmarkResult[]): TopLevelSpec {
  const values = benchmarks.flatMap((b) => b.loss
    ? METRICS.map((m) => ({ row: twoLineLabel(`${b.target} · ${b.scenario}`, variantLabel(b)), metric: m, count: b.loss![m] }))
    : []);
  return {
    width: 760,
    // With yOffset, the step is the height of one bar (one figure of one row).
    height: { step: 13 },
    data: { values },
    encoding: {
      y: { field: 'row', type: 'nominal', title: null, axis: { labelLimit: 320, labelExpr: MULTILINE_LABEL } },
      yOffset: { field: 'metric', type: 'nominal', sort: [...METRICS] },
      x: { field: 'count', type: 'quantitative', title: 'messages' },
      color: { field: 'metric', type: 'nominal', title: null, sort: [...METRICS], scale: { range: ['#dc2626', '#ca8a04', '#7c3aed'] } },
    },
    layer: [
      { mark: { type: 'bar' } },
      { mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 }, encoding: { text: { field: 'count', type: 'quantitative', format: ',.0f' }, color: { value: '#374151' } } },
    ],
  } as TopLevelSpec;
}

export function hasLoss(benchmarks: BenchmarkResult[]): boolean {
  return benchmarks.some((b) => b.loss && METRICS.some((m) => (b.loss![m] ?? 0) > 0));
}

export function lossChart(benchmarks: BenchmarkResult[]): Promise<ChartSvg | undefined> {
  if (!hasLoss(benchmarks)) return Promise.resolve(undefined);
  return renderChart('Lost, duplicated and reordered messages', lossSpec(benchmarks), true);
}
