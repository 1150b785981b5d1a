// Broker CPU and resident memory over the scenario's duration, one line per target.
import type { TopLevelSpec } from 'vega-lite';
import type { BenchmarkResult } from '../../results/types.ts';
import { downsample, renderChart, type ChartSvg } from './render-chart.ts';
import { benchmarkKey, scenarioLabel } from './series-label.ts';

export function resourceSpec(rows: BenchmarkResult[]): TopLevelSpec {
  const values = rows.flatMap((b) => downsample(b.broker?.samples ?? [], 300)
    .filter((s) => Number.isFinite(s.tMs))
    .map((s) => ({ target: b.target, tSec: s.tMs / 1000, cpuPercent: s.cpuPercent, rssMiB: s.rssBytes / 1048576 })));
  const line = (field: string, title: string) => ({
    width: 280,
    height: 180,
    mark: { type: 'line' },
    encoding: {
      x: { field: 'tSec', type: 'quantitative', title: 'time (s)' },
      y: { field, type: 'quantitative', title },
      color: { field: 'target', type: 'nominal', title: 'target' },
    },
  });
  return { data: { values }, hconcat: [line('cpuPercent', 'broker CPU (%)'), line('rssMiB', 'broker RSS (MiB)')] } as TopLevelSpec;
}

export async function resourceCharts(benchmarks: BenchmarkResult[]): Promise<ChartSvg[]> {
  const groups = new Map<string, BenchmarkResult[]>();
  for (const b of benchmarks) {
    if (!b.broker?.samples?.length) continue;
    groups.set(benchmarkKey(b), [...(groups.get(benchmarkKey(b)) ?? []), b]);
  }
  const charts: ChartSvg[] = [];
  for (const rows of groups.values()) charts.push(await renderChart(`Broker CPU and memory: ${scenarioLabel(rows[0]!)}`, resourceSpec(rows)));
  return charts;
}
