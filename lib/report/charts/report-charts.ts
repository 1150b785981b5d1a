// Every chart of one results document, rendered up front (rendering is async; the page is not).
import type { BenchmarkResult } from '../../results/types.ts';
import type { ChartSvg } from './render-chart.ts';
import { throughputChart } from './throughput-chart.ts';
import { latencyCharts } from './latency-curve-chart.ts';
import { resourceCharts } from './resource-chart.ts';
import { lossChart } from './loss-chart.ts';
import { kneeCharts } from './knee-chart.ts';

export interface ReportCharts {
  throughput?: ChartSvg;
  latency: ChartSvg[];
  resources: ChartSvg[];
  loss?: ChartSvg;
  /** kind sweep: p99 against the offered rate per broker, the knee marked by the bound. */
  knees: ChartSvg[];
}

export async function renderReportCharts(benchmarks: BenchmarkResult[] | undefined): Promise<ReportCharts> {
  const rows = benchmarks ?? [];
  if (!rows.length) return { latency: [], resources: [], knees: [] };
  return {
    throughput: await throughputChart(rows),
    latency: await latencyCharts(rows),
    resources: await resourceCharts(rows),
    loss: await lossChart(rows),
    knees: await kneeCharts(rows),
  };
}
