// One shard of a benchmark run spread over several processes or machines (issue 16): `--shard i/N`
// runs the i-th of N disjoint slices, each slice being the scenario's whole client set under its own
// client ids, topics and publisher ids, so N shards put N times the load on the broker. Every shard
// starts each scenario at the same wall-clock instant: the first at --start-at, each next one a fixed
// slot later (its duration plus SCENARIO_GAP_MS for setup and drain), so shards that never talk to
// each other still publish together. Validated once, before any side effect.
import path from 'node:path';
import { UsageError } from '../core/errors.ts';
import type { Scenario } from './scenario.ts';

/** Between two scenarios' start instants beyond the first's duration: the drain (≤ 5 s) and the next setup. */
export const SCENARIO_GAP_MS = 15_000;

export interface ShardPlan {
  /** 0-based, as Kubernetes' JOB_COMPLETION_INDEX. */
  index: number;
  count: number;
  /** Epoch ms of the first scenario's start (--start-at). */
  startAtMs: number;
  /** Where the partial result is written (--out). */
  outDir: string;
}

export interface ShardFlags {
  shard?: string;
  'start-at'?: string;
  out?: string;
}

export function parseShardPlan(f: ShardFlags): ShardPlan | undefined {
  if (f.shard === undefined) {
    const stray = (['start-at', 'out'] as const).find((k) => f[k] !== undefined);
    if (stray) throw new UsageError(`--${stray} applies to a sharded benchmark; add --shard <i>/<N>, e.g. --shard 0/3`);
    return undefined;
  }
  // `$(JOB_COMPLETION_INDEX)/N`: Kubernetes expands it in a pod's args; podman kube play does not, so read it here.
  const shard = f.shard.replace(/^\$\(([A-Z_][A-Z0-9_]*)\)/, (_, name: string) => {
    const value = process.env[name];
    if (value === undefined) throw new UsageError(`--shard "${f.shard}": environment variable ${name} is not set; run it as a pod of an Indexed Job, or give the index, e.g. --shard 0/3`);
    return value;
  });
  const m = /^(\d+)\/(\d+)$/.exec(shard);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || count > 1000 || index >= count) {
    throw new UsageError(`--shard "${f.shard}" is not allowed; use <index>/<count> with 0 <= index < count <= 1000, e.g. --shard 0/3 (index as JOB_COMPLETION_INDEX)`);
  }
  if (f['start-at'] === undefined) throw new UsageError('--shard needs --start-at <ISO time>, the instant every shard starts publishing, e.g. --start-at 2026-12-02T03:00:00Z');
  const startAtMs = Date.parse(f['start-at']);
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(f['start-at']) || Number.isNaN(startAtMs)) {
    throw new UsageError(`--start-at "${f['start-at']}" is not an ISO time with a zone; use e.g. 2026-12-02T03:00:00Z`);
  }
  if (f.out === undefined) throw new UsageError('--shard needs --out <dir>, where this shard writes its partial result (npm run report -- merge <dir> reads it)');
  return { index, count, startAtMs, outDir: path.resolve(f.out) };
}

/** Each scenario's start instant: the first at startAtMs, each next one slot (its predecessor's duration + gap) later. */
export function scenarioStarts(plan: ShardPlan, scenarios: readonly Scenario[]): number[] {
  const starts: number[] = [];
  let t = plan.startAtMs;
  for (const s of scenarios) {
    starts.push(t);
    t += s.durationMs + SCENARIO_GAP_MS + (s.count ?? 0) * 20;
  }
  return starts;
}
