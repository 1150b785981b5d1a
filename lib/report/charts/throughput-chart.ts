// Throughput per scenario per target: horizontal grouped bars (scenario names can be long).
import type { TopLevelSpec } from 'vega-lite';
import type { BenchmarkResult } from '../../results/types.ts';
import { renderChart, type ChartSvg } from './render-chart.ts';
import { MULTILINE_LABEL, twoLineLabel, variantLabel } from './series-label.ts';

/** Connection storms and micro-benchmarks report no message rate; they get no bar. */
const hasThroughput = (b: BenchmarkResult) => Number.isFinite(b.msgsPerSec) && b.msgsPerSec > 0;

export function throughputSpec(benchmarks: BenchmarkResult[], seriesField: 'target' | 'run' = 'target', runOf?: (b: BenchmarkResult) => string): TopLevelSpec {
  const values = benchmarks
    .filter(hasThroughput)
    .map((b) => ({ scenario: twoLineLabel(b.scenario, variantLabel(b)), series: seriesField === 'run' && runOf ? `${b.target} · run ${runOf(b)}` : b.target, msgsPerSec: b.msgsPerSec }));
  return {
    width: 760,
    // With yOffset, the step is the height of one bar (one target within a scenario).
    height: { step: 20 },
    data: { values },
    encoding: {
      y: { field: 'scenario', type: 'nominal', title: null, axis: { labelLimit: 320, labelExpr: MULTILINE_LABEL } },
      yOffset: { field: 'series', type: 'nominal' },
      x: { field: 'msgsPerSec', type: 'quantitative', title: 'messages per second (received)' },
      color: { field: 'series', type: 'nominal', title: seriesField === 'run' ? 'target · run' : 'target' },
    },
    layer: [
      { mark: { type: 'bar' } },
      // The figure at the bar's end, so readers need not estimate it from the axis.
      { mark: { type: 'text', align: 'left', dx: 4, fontSize: 11, color: '#111827' }, encoding: { text: { field: 'msgsPerSec', type: 'quantitative', format: ',.0f' }, color: { value: '#111827' } } },
    ],
  } as TopLevelSpec;
}

export function throughputChart(benchmarks: BenchmarkResult[]): Promise<ChartSvg | undefined> {
  if (!benchmarks.some(hasThroughput)) return Promise.resolve(undefined);
  return renderChart('Throughput per scenario and target', throughputSpec(benchmarks), true);
}
