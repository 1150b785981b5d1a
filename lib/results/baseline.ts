// --baseline: compare this run's benchmarks with an earlier results.json. A throughput drop or a p99
// rise beyond the tolerance is a regression (exit 3), reported with both figures.
import fs from 'node:fs';
import { UsageError } from '../core/errors.ts';
import type { BenchmarkResult } from './types.ts';

export interface BaselineTolerance {
  /** Allowed drop of msgsPerSec, percent (default 10). */
  throughputDropPercent: number;
  /** Allowed rise of p99, percent (default 20); rises under 1 ms are noise on a shared machine and ignored. */
  p99RisePercent: number;
}

export const DEFAULT_TOLERANCE: BaselineTolerance = { throughputDropPercent: 10, p99RisePercent: 20 };
const P99_NOISE_FLOOR_MS = 1;

export type BaselineSet = Pick<BenchmarkResult, 'scenario' | 'target' | 'msgsPerSec' | 'latency' | 'kind'>[];

export function loadBaseline(file: string): BaselineSet {
  let data: { benchmarks?: unknown };
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8')) as { benchmarks?: unknown };
  } catch (e) {
    throw new UsageError(`--baseline ${file}: cannot read it as JSON (${(e as Error).message.split('\n')[0]})`);
  }
  if (!Array.isArray(data.benchmarks) || !data.benchmarks.length) {
    throw new UsageError(`--baseline ${file}: has no "benchmarks" section; give the results.json of an earlier --suite bench run`);
  }
  for (const [i, b] of (data.benchmarks as Record<string, unknown>[]).entries()) {
    if (typeof b?.scenario !== 'string' || typeof b.target !== 'string' || typeof b.msgsPerSec !== 'number') {
      throw new UsageError(`--baseline ${file}: benchmarks[${i}] lacks scenario/target/msgsPerSec`);
    }
  }
  return data.benchmarks as BaselineSet;
}

export function parseTolerance(value: string): BaselineTolerance {
  const m = /^(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)$/.exec(value.trim());
  if (!m) throw new UsageError(`--baseline-tolerance "${value}" is not allowed; use <throughput drop %>,<p99 rise %>, e.g. 10,20`);
  return { throughputDropPercent: Number(m[1]), p99RisePercent: Number(m[2]) };
}

/** Pure: the baseline verdict for one result, or undefined when the baseline has no such scenario/target. */
export function compareWithBaseline(r: BenchmarkResult, baseline: BaselineSet, tol: BaselineTolerance): BenchmarkResult['baseline'] {
  const b = baseline.find((x) => x.scenario === r.scenario && x.target === r.target);
  if (!b || r.notRun || r.error) return undefined;
  const notes: string[] = [];
  const flow = r.kind !== 'connections' && r.kind !== 'micro';
  if (flow && b.msgsPerSec > 0 && r.msgsPerSec < b.msgsPerSec * (1 - tol.throughputDropPercent / 100)) {
    notes.push(`throughput ${r.msgsPerSec} msgs/s vs baseline ${b.msgsPerSec} (-${(100 - (r.msgsPerSec / b.msgsPerSec) * 100).toFixed(1)}%, tolerance ${tol.throughputDropPercent}%)`);
  }
  const p99 = r.latency?.p99Ms;
  const p99b = b.latency?.p99Ms;
  if (p99 !== undefined && p99b !== undefined && p99 > p99b * (1 + tol.p99RisePercent / 100) && p99 - p99b > P99_NOISE_FLOOR_MS) {
    notes.push(`p99 ${p99} ms vs baseline ${p99b} ms (+${((p99 / p99b - 1) * 100).toFixed(1)}%, tolerance ${tol.p99RisePercent}%)`);
  }
  return {
    msgsPerSec: b.msgsPerSec,
    ...(p99b !== undefined ? { p99Ms: p99b } : {}),
    regression: notes.length > 0,
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
}
