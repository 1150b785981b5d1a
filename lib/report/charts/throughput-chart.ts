// Throughput per scenario per target: horizontal grouped bars (scenario names can be long).
import type { TopLevelSpec } from 'vega-lite';
import type { BenchmarkResult } from '../../results/types.ts';
import { renderChart, type ChartSvg } from './render-chart.ts';
import { scenarioLabel } from './series-label.ts';

export function throughputSpec(benchmarks: BenchmarkResult[], seriesField: 'target' | 'run' = 'target', runOf?: (b: BenchmarkResult) => string): TopLevelSpec {
  const values = benchmarks
    .filter((b) => Number.isFinite(b.msgsPerSec))
    .map((b) => ({ scenario: scenarioLabel(b), series: seriesField === 'run' && runOf ? `${runOf(b)} · ${b.target}` : b.target, msgsPerSec: b.msgsPerSec }));
  const seriesCount = new Set(values.map((v) => v.series)).size;
  return {
    width: 760,
    height: { step: Math.max(22, 16 * seriesCount + 8) },
    data: { values },
    mark: { type: 'bar', tooltip: false },
    encoding: {
      y: { field: 'scenario', type: 'nominal', title: null, axis: { labelLimit: 300 } },
      yOffset: { field: 'series', type: 'nominal' },
      x: { field: 'msgsPerSec', type: 'quantitative', title: 'messages per second (received)' },
      color: { field: 'series', type: 'nominal', title: seriesField === 'run' ? 'run · target' : 'target' },
    },
  } as TopLevelSpec;
}

export function throughputChart(benchmarks: BenchmarkResult[]): Promise<ChartSvg | undefined> {
  if (!benchmarks.some((b) => Number.isFinite(b.msgsPerSec))) return Promise.resolve(undefined);
  return renderChart('Throughput per scenario and target', throughputSpec(benchmarks), true);
}
