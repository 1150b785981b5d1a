// Thresholds as data, validated before any load starts (k6-style), evaluated as a pure function of
// the benchmark results. File format (JSON):
//   { "throughput-1to1.qos1": ["msgsPerSec >= 20000"], "latency-*": ["p99Ms < 20"], "*": ["lossRate == 0"] }
// Keys: a scenario name, a prefix ending in "*", or "*" (every scenario that produces the metric).
// "No data" (the metric is absent, e.g. the scenario did not run on a target) is its own verdict and
// fails the gate like a breach: it is never a pass.
import fs from 'node:fs';
import { UsageError } from '../core/errors.ts';
import type { BenchmarkResult, ThresholdVerdict } from './types.ts';

// Which scenario produces which metric is not known here: results sits below the load engine, whose
// kind registry (lib/load/scenario-kinds.ts) declares each kind's metrics. The caller passes them in as
// data (`ThresholdScenario`), and parsing resolves every threshold to the scenarios it applies to, so
// evaluation needs no kind knowledge at all.

/**
 * Every metric a threshold may name and where to read it in a result. A flow with nothing sent has no
 * rate to judge ("no data", never a pass), so msgsPerSec reads as absent there.
 */
export const METRICS = {
  msgsPerSec: (r: BenchmarkResult) => (r.sent === 0 && r.received === 0 ? undefined : r.msgsPerSec),
  p50Ms: (r: BenchmarkResult) => r.latency?.p50Ms,
  p90Ms: (r: BenchmarkResult) => r.latency?.p90Ms,
  p99Ms: (r: BenchmarkResult) => r.latency?.p99Ms,
  p999Ms: (r: BenchmarkResult) => r.latency?.p999Ms,
  maxMs: (r: BenchmarkResult) => r.latency?.maxMs,
  meanMs: (r: BenchmarkResult) => r.latency?.meanMs,
  lossRate: (r: BenchmarkResult) => r.loss?.lossRate,
  lost: (r: BenchmarkResult) => r.loss?.lost,
  duplicates: (r: BenchmarkResult) => r.loss?.duplicates,
  reordered: (r: BenchmarkResult) => r.loss?.reordered,
  brokerCpuPercent: (r: BenchmarkResult) => r.broker?.cpuPercentMean,
  brokerRssBytes: (r: BenchmarkResult) => r.broker?.rssBytesMax,
  connectionsPerSec: (r: BenchmarkResult) => r.extra?.connectionsPerSec,
  bytesPerConnection: (r: BenchmarkResult) => r.extra?.bytesPerConnection,
  generatorBytesPerConnection: (r: BenchmarkResult) => r.extra?.generatorBytesPerConnection,
  connectionsHeld: (r: BenchmarkResult) => r.extra?.connectionsHeld,
  opsPerSec: (r: BenchmarkResult) => r.extra?.opsPerSec,
  kneeMsgsPerSec: (r: BenchmarkResult) => r.sweep?.kneeMsgsPerSec,
} satisfies Record<string, (r: BenchmarkResult) => number | undefined>;

export type ThresholdMetric = keyof typeof METRICS;
export const THRESHOLD_METRICS = Object.keys(METRICS) as ThresholdMetric[];

/** A scenario a threshold key may match, with the metrics its kind produces (from the kind registry). */
export interface ThresholdScenario {
  name: string;
  metrics: readonly ThresholdMetric[];
}

export const OPERATORS = ['<', '<=', '>', '>=', '==', '!='] as const;
type Operator = (typeof OPERATORS)[number];

export interface Threshold {
  key: string;
  expression: string;
  metric: ThresholdMetric;
  operator: Operator;
  value: number;
  /**
   * Scenarios the threshold is judged on. `*` takes every scenario whose kind produces the metric;
   * a name or prefix takes every match (a kind without the metric then gives "no data").
   */
  scenarios: readonly string[];
  /** Of those, the scenarios whose kind produces the metric. */
  producing: readonly string[];
}

const EXPR = /^\s*([A-Za-z0-9]+)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/;

/** Parses and validates a thresholds document; every error names the entry and what is allowed. */
export function parseThresholds(data: unknown, source: string, known: readonly ThresholdScenario[]): Threshold[] {
  const scenarioNames = known.map((s) => s.name);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UsageError(`thresholds ${source}: expected an object { "<scenario>": ["<metric> <op> <number>", ...] }`);
  }
  const out: Threshold[] = [];
  for (const [key, list] of Object.entries(data as Record<string, unknown>)) {
    const matches = key === '*' ? scenarioNames : key.endsWith('*') ? scenarioNames.filter((n) => n.startsWith(key.slice(0, -1))) : scenarioNames.filter((n) => n === key);
    if (!matches.length) throw new UsageError(`thresholds ${source}: key "${key}" matches no scenario; known: ${scenarioNames.join(', ')}`);
    if (!Array.isArray(list)) throw new UsageError(`thresholds ${source}: "${key}" must be a list of strings like "p99Ms < 20"`);
    list.forEach((expression, i) => {
      const where = `thresholds ${source}: "${key}"[${i}] ${JSON.stringify(expression)}`;
      if (typeof expression !== 'string') throw new UsageError(`${where} is not a string like "p99Ms < 20"`);
      const m = EXPR.exec(expression);
      if (!m) {
        const op = /[<>=!]+/.exec(expression)?.[0];
        const why = op && !(OPERATORS as readonly string[]).includes(op) ? `operator "${op}" is not one of ${OPERATORS.join(' ')}` : `is not "<metric> <operator> <number>" (operators: ${OPERATORS.join(' ')})`;
        throw new UsageError(`${where}: ${why}`);
      }
      const [, metric, operator, value] = m;
      if (!isMetric(metric!)) throw new UsageError(`${where}: unknown metric "${metric}"; known: ${THRESHOLD_METRICS.join(', ')}`);
      const producing = known.filter((s) => matches.includes(s.name) && s.metrics.includes(metric)).map((s) => s.name);
      out.push({ key, expression: expression.trim(), metric, operator: operator as Operator, value: Number(value), scenarios: key === '*' ? producing : matches, producing });
    });
  }
  return out;
}

function isMetric(name: string): name is ThresholdMetric {
  return Object.hasOwn(METRICS, name);
}

export function loadThresholds(file: string, known: readonly ThresholdScenario[]): Threshold[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`--thresholds ${file}: cannot read the file`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--thresholds ${file}: not valid JSON (${(e as Error).message})`);
  }
  return parseThresholds(data, file, known);
}

function compare(a: number, op: Operator, b: number): boolean {
  switch (op) {
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
    case '==': return a === b;
    case '!=': return a !== b;
  }
}

/** Pure: the verdicts for one result. */
export function evaluateThresholds(thresholds: readonly Threshold[], r: BenchmarkResult): ThresholdVerdict[] {
  return thresholds.filter((t) => t.scenarios.includes(r.scenario)).map((t) => {
    const actual = r.notRun || r.error || !t.producing.includes(r.scenario) ? undefined : METRICS[t.metric](r);
    if (actual === undefined || Number.isNaN(actual)) return { expression: t.expression, verdict: 'no-data' as const };
    return { expression: t.expression, verdict: compare(actual, t.operator, t.value) ? ('passed' as const) : ('failed' as const), actual };
  });
}
