// The knee of a sweep (kind `sweep`): p99 latency against the offered open-loop rate, one line per
// broker, both axes logarithmic (the steps are geometric), with the p99 bound as a dashed rule. The
// knee is the last point under the rule. One chart per sweep scenario variant.
import type { TopLevelSpec } from 'vega-lite';
import type { BenchmarkResult } from '../../results/types.ts';
import { renderChart, type ChartSvg } from './render-chart.ts';
import { benchmarkKey, scenarioLabel } from './series-label.ts';

export function kneeSpec(rows: BenchmarkResult[]): TopLevelSpec {
  const values = rows.flatMap((b) => (b.sweep?.steps ?? []).map((st) => ({
    series: b.target, ratePerSec: st.ratePerSec, p99Ms: Math.max(0.001, st.p99Ms), withinBound: st.withinBound ? 'within bound' : 'beyond bound (or loss)',
  })));
  const bound = rows[0]?.sweep?.p99BoundMs ?? 10;
  return {
    width: 560,
    height: 260,
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: { filled: true, size: 50 } },
        encoding: {
          x: { field: 'ratePerSec', type: 'quantitative', title: 'offered rate (msgs/s, open loop)', scale: { type: 'log' } },
          y: { field: 'p99Ms', type: 'quantitative', title: 'p99 latency (ms)', scale: { type: 'log' } },
          color: { field: 'series', type: 'nominal', title: 'target' },
          shape: { field: 'withinBound', type: 'nominal', title: 'step' },
        },
      },
      {
        data: { values: [{ bound }] },
        mark: { type: 'rule', strokeDash: [6, 4], color: '#b91c1c' },
        encoding: { y: { field: 'bound', type: 'quantitative' } },
      },
    ],
  } as TopLevelSpec;
}

export async function kneeCharts(benchmarks: BenchmarkResult[]): Promise<ChartSvg[]> {
  const groups = new Map<string, BenchmarkResult[]>();
  for (const b of benchmarks) if (b.sweep?.steps.length) groups.set(benchmarkKey(b), [...(groups.get(benchmarkKey(b)) ?? []), b]);
  const charts: ChartSvg[] = [];
  for (const rows of groups.values()) {
    const knees = rows.map((b) => `${b.target} ${b.sweep?.kneeMsgsPerSec !== undefined ? b.sweep.kneeMsgsPerSec.toLocaleString('en-US') : 'none'}`).join(', ');
    charts.push(await renderChart(`Knee (p99 ≤ ${rows[0]!.sweep!.p99BoundMs} ms, no loss): ${scenarioLabel(rows[0]!)} — ${knees} msgs/s`, kneeSpec(rows)));
  }
  return charts;
}
