// Latency by percentile, as HDR histogram plots show it: the x axis is 1/(1-p) on a log scale, so
// 90%, 99%, 99.9% ... are evenly spaced and the tail is visible. One chart per scenario variant,
// one line per target.
import type { TopLevelSpec } from 'vega-lite';
import type { BenchmarkResult } from '../../results/types.ts';
import { downsample, renderChart, type ChartSvg } from './render-chart.ts';
import { benchmarkKey, scenarioLabel } from './series-label.ts';

/** Highest percentile plotted: 100% maps to infinity on this axis, HDR plots stop at 99.9999%. */
const MAX_PERCENTILE = 99.9999;

export function curvePoints(b: BenchmarkResult): { percentile: number; valueMs: number }[] {
  const curve = b.latency?.curve;
  if (curve?.length) return curve.filter((p) => Number.isFinite(p.percentile) && Number.isFinite(p.valueMs) && p.percentile >= 0 && p.percentile <= MAX_PERCENTILE);
  // Without a curve, the summary percentiles still give a coarse one.
  const l = b.latency;
  if (!l) return [];
  return [{ percentile: 50, valueMs: l.p50Ms }, { percentile: 90, valueMs: l.p90Ms }, { percentile: 99, valueMs: l.p99Ms }, { percentile: 99.9, valueMs: l.p999Ms }]
    .filter((p) => Number.isFinite(p.valueMs));
}

export function latencySpec(rows: BenchmarkResult[], seriesOf: (b: BenchmarkResult) => string = (b) => b.target): TopLevelSpec {
  const values = rows.flatMap((b) => downsample(curvePoints(b), 200).map((p) => ({
    series: seriesOf(b),
    x: 1 / (1 - p.percentile / 100),
    percentile: p.percentile,
    valueMs: p.valueMs,
  })));
  const maxX = Math.max(10, ...values.map((v) => v.x));
  const ticks = [1, 2, 10, 100, 1000, 10000, 100000, 1000000].filter((t) => t <= maxX * 1.01);
  return {
    width: 560,
    height: 240,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after', point: values.length <= 40 },
    encoding: {
      x: {
        field: 'x', type: 'quantitative', title: 'percentile',
        scale: { type: 'log', domain: [1, maxX] },
        axis: { values: ticks, labelExpr: "format(100 * (1 - 1 / datum.value), '.4~f') + '%'" },
      },
      y: { field: 'valueMs', type: 'quantitative', title: 'latency (ms)' },
      color: { field: 'series', type: 'nominal', title: 'target' },
    },
  } as TopLevelSpec;
}

export async function latencyCharts(benchmarks: BenchmarkResult[]): Promise<ChartSvg[]> {
  const groups = new Map<string, BenchmarkResult[]>();
  for (const b of benchmarks) {
    if (!curvePoints(b).length) continue;
    groups.set(benchmarkKey(b), [...(groups.get(benchmarkKey(b)) ?? []), b]);
  }
  const charts: ChartSvg[] = [];
  for (const rows of groups.values()) charts.push(await renderChart(`Latency by percentile: ${scenarioLabel(rows[0]!)}`, latencySpec(rows)));
  return charts;
}
