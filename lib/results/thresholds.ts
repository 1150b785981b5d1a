// Thresholds as data, validated before any load starts (k6-style), evaluated as a pure function of
// the benchmark results. File format (JSON):
//   { "throughput-1to1.qos1": ["msgsPerSec >= 20000"], "latency-*": ["p99Ms < 20"], "*": ["lossRate == 0"] }
// Keys: a scenario name, a prefix ending in "*", or "*" (every scenario that produces the metric).
// "No data" (the metric is absent, e.g. the scenario did not run on a target) is its own verdict and
// fails the gate like a breach: it is never a pass.
import fs from 'node:fs';
import { UsageError } from '../core/errors.ts';
import type { BenchmarkResult, ThresholdVerdict } from './types.ts';

type Kind = BenchmarkResult['kind'];
const ALL: Kind[] = ['throughput', 'latency', 'connections', 'retained-storm', 'micro'];
const FLOW: Kind[] = ['throughput', 'latency', 'retained-storm'];

/** Every metric a threshold may name, where to read it, and which scenario kinds produce it. */
export const METRICS: Record<string, { read: (r: BenchmarkResult) => number | undefined; kinds: Kind[] }> = {
  msgsPerSec: { read: (r) => (r.kind === 'connections' || r.kind === 'micro' ? undefined : r.msgsPerSec), kinds: FLOW },
  p50Ms: { read: (r) => r.latency?.p50Ms, kinds: ALL },
  p90Ms: { read: (r) => r.latency?.p90Ms, kinds: ALL },
  p99Ms: { read: (r) => r.latency?.p99Ms, kinds: ALL },
  p999Ms: { read: (r) => r.latency?.p999Ms, kinds: ALL },
  maxMs: { read: (r) => r.latency?.maxMs, kinds: ALL },
  meanMs: { read: (r) => r.latency?.meanMs, kinds: ALL },
  lossRate: { read: (r) => r.loss?.lossRate, kinds: FLOW },
  lost: { read: (r) => r.loss?.lost, kinds: FLOW },
  duplicates: { read: (r) => r.loss?.duplicates, kinds: FLOW },
  reordered: { read: (r) => r.loss?.reordered, kinds: FLOW },
  brokerCpuPercent: { read: (r) => r.broker?.cpuPercentMean, kinds: ['throughput', 'latency', 'connections', 'retained-storm'] },
  brokerRssBytes: { read: (r) => r.broker?.rssBytesMax, kinds: ['throughput', 'latency', 'connections', 'retained-storm'] },
  connectionsPerSec: { read: (r) => r.extra?.connectionsPerSec, kinds: ['connections'] },
  bytesPerConnection: { read: (r) => r.extra?.bytesPerConnection, kinds: ['connections'] },
  opsPerSec: { read: (r) => r.extra?.opsPerSec, kinds: ['micro'] },
};

export const OPERATORS = ['<', '<=', '>', '>=', '==', '!='] as const;
type Operator = (typeof OPERATORS)[number];

export interface Threshold {
  key: string;
  expression: string;
  metric: string;
  operator: Operator;
  value: number;
}

const EXPR = /^\s*([A-Za-z0-9]+)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/;

/** Parses and validates a thresholds document; every error names the entry and what is allowed. */
export function parseThresholds(data: unknown, source: string, scenarioNames: readonly string[]): Threshold[] {
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
      if (!METRICS[metric!]) throw new UsageError(`${where}: unknown metric "${metric}"; known: ${Object.keys(METRICS).join(', ')}`);
      out.push({ key, expression: expression.trim(), metric: metric!, operator: operator as Operator, value: Number(value) });
    });
  }
  return out;
}

export function loadThresholds(file: string, scenarioNames: readonly string[]): Threshold[] {
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
  return parseThresholds(data, file, scenarioNames);
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

function applies(t: Threshold, r: BenchmarkResult): boolean {
  if (t.key === '*') return METRICS[t.metric]!.kinds.includes(r.kind);
  return t.key.endsWith('*') ? r.scenario.startsWith(t.key.slice(0, -1)) : r.scenario === t.key;
}

/** Pure: the verdicts for one result. */
export function evaluateThresholds(thresholds: readonly Threshold[], r: BenchmarkResult): ThresholdVerdict[] {
  return thresholds.filter((t) => applies(t, r)).map((t) => {
    const actual = r.notRun || r.error ? undefined : METRICS[t.metric]!.read(r);
    if (actual === undefined || Number.isNaN(actual)) return { expression: t.expression, verdict: 'no-data' as const };
    return { expression: t.expression, verdict: compare(actual, t.operator, t.value) ? ('passed' as const) : ('failed' as const), actual };
  });
}
