// Lost, duplicated and reordered messages per scenario and target. All-zero data gets no chart (the
// page says so in words instead of drawing empty bars).
import type { TopLevelSpec } from 'vega-lite';
import type { BenchmarkResult } from '../../results/types.ts';
import { renderChart, type ChartSvg } from './render-chart.ts';
import { scenarioLabel } from './series-label.ts';

const METRICS = ['lost', 'duplicates', 'reordered'] as const;

export function lossSpec(benchmarks: BenchmarkResult[]): TopLevelSpec {
  const values = benchmarks.flatMap((b) => b.loss
    ? METRICS.map((m) => ({ row: `${scenarioLabel(b)} · ${b.target}`, metric: m, count: b.loss![m] }))
    : []);
  return {
    width: 760,
    height: { step: 44 },
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'row', type: 'nominal', title: null, axis: { labelLimit: 320 } },
      yOffset: { field: 'metric', type: 'nominal', sort: [...METRICS] },
      x: { field: 'count', type: 'quantitative', title: 'messages' },
      color: { field: 'metric', type: 'nominal', title: null, sort: [...METRICS], scale: { range: ['#dc2626', '#ca8a04', '#7c3aed'] } },
    },
  } as TopLevelSpec;
}

export function hasLoss(benchmarks: BenchmarkResult[]): boolean {
  return benchmarks.some((b) => b.loss && METRICS.some((m) => (b.loss![m] ?? 0) > 0));
}

export function lossChart(benchmarks: BenchmarkResult[]): Promise<ChartSvg | undefined> {
  if (!hasLoss(benchmarks)) return Promise.resolve(undefined);
  return renderChart('Lost, duplicated and reordered messages', lossSpec(benchmarks), true);
}
