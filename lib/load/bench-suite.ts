// The `bench` suite: run by the orchestrator directly (not through vitest), because the main process
// knows the broker's pid and ports. Flags are validated into a BenchPlan before anything starts.
import path from 'node:path';
import { UsageError } from '../core/errors.ts';
import { ROOT } from '../core/paths.ts';
import type { BenchmarkResult } from '../results/types.ts';
import type { StartedBroker } from '../core/broker.ts';
import { loadThresholds, evaluateThresholds, type Threshold, type ThresholdScenario } from '../results/thresholds.ts';
import { compareWithBaseline, DEFAULT_TOLERANCE, loadBaseline, parseTolerance, type BaselineSet, type BaselineTolerance } from '../results/baseline.ts';
import { loadScenarios, selectScenarios, type Scenario } from './scenario.ts';
import { runScenario } from './scenario-runner.ts';
import { MICRO_BENCHMARKS, MICRO_METRICS, runMicroBenchmarks } from './micro-benchmarks.ts';
import { scenarioKind } from './scenario-kinds.ts';
import { parseShardPlan, scenarioStarts, type ShardPlan } from './shard-plan.ts';
import { globalSamples, type ScenarioPartial, type ShardSamples } from './shard-merge.ts';
import type { PreflightEnv } from './scenario-kind.ts';
import { fileLimit, raiseFileLimit } from '../core/file-limit.ts';
import { startLiveMetrics, type LiveMetrics } from './live-metrics.ts';

export const SCENARIO_DIR = path.join(ROOT, 'suites/bench');
/** --scenario word that selects the tinybench micro-benchmarks (on by default). */
export const MICRO = 'micro';

export interface BenchFlags {
  scenario?: string;
  duration?: string;
  thresholds?: string;
  baseline?: string;
  'baseline-tolerance'?: string;
  shard?: string;
  'start-at'?: string;
  out?: string;
  'metrics-port'?: string;
}

export interface BenchPlan {
  scenarios: Scenario[];
  micro: boolean;
  thresholds: Threshold[];
  baseline?: BaselineSet;
  tolerance: BaselineTolerance;
  /** --shard i/N: this process runs one slice of every scenario (lib/load/shard-plan.ts). */
  shard?: ShardPlan;
  /** --metrics-port: serve live OpenMetrics on 127.0.0.1:<port> while the benchmarks run (0: any free port). */
  metricsPort?: number;
}

export function buildBenchPlan(f: BenchFlags): BenchPlan {
  let durationMs: number | undefined;
  if (f.duration !== undefined) {
    const s = Number(f.duration);
    if (!Number.isFinite(s) || s < 0.5 || s > 3600) throw new UsageError(`--duration "${f.duration}" is not allowed; use seconds from 0.5 to 3600, e.g. --duration 5`);
    durationMs = Math.round(s * 1000);
  }
  const all = loadScenarios(SCENARIO_DIR);
  const words = f.scenario?.split(',').map((w) => w.trim()).filter(Boolean);
  const shard = parseShardPlan(f);
  if (shard && words?.includes(MICRO)) throw new UsageError('--scenario micro cannot be sharded: the micro-benchmarks time one client; drop micro or --shard');
  // The micro-benchmarks time a single client: nothing to shard, so a sharded run leaves them out.
  const micro = !shard && (!words || words.includes(MICRO) || words.includes('all'));
  const scenarioWords = words?.filter((w) => w !== MICRO);
  const scenarios = scenarioWords && !scenarioWords.length ? [] : selectScenarios(all, scenarioWords, durationMs);
  let metricsPort: number | undefined;
  if (f['metrics-port'] !== undefined) {
    metricsPort = Number(f['metrics-port']);
    if (!/^\d+$/.test(f['metrics-port']) || metricsPort > 65_535) throw new UsageError(`--metrics-port "${f['metrics-port']}" is not allowed; use a port from 1 to 65535 (0: any free port), e.g. --metrics-port 9464`);
  }
  const thresholds = f.thresholds ? loadThresholds(path.resolve(f.thresholds), thresholdScenarios(all)) : [];
  return {
    scenarios,
    micro,
    thresholds,
    ...(f.baseline ? { baseline: loadBaseline(path.resolve(f.baseline)) } : {}),
    tolerance: f['baseline-tolerance'] ? parseTolerance(f['baseline-tolerance']) : DEFAULT_TOLERANCE,
    ...(shard ? { shard } : {}),
    ...(metricsPort !== undefined ? { metricsPort } : {}),
  };
}

/** Every name a threshold key may match, with the metrics its kind produces (from the kind registry). */
function thresholdScenarios(all: readonly Scenario[]): ThresholdScenario[] {
  return [
    ...all.map((s) => ({ name: s.name, metrics: scenarioKind(s.kind).metrics })),
    ...Object.values(MICRO_BENCHMARKS).map((name) => ({ name, metrics: MICRO_METRICS })),
  ];
}

/** A scenario that did not start: identity and the reason, no figures. */
function notRunResult(s: Scenario, target: string, notRun: string): BenchmarkResult {
  return { scenario: s.name, target, protocol: s.protocol, kind: s.kind, durationMs: 0, sent: 0, received: 0, msgsPerSec: 0, notRun };
}

/** Raises this process's soft open-file limit to the hard one (see file-limit.ts) and reads the limits preflight weighs. */
function preflightEnv(broker: StartedBroker, progress: (line: string) => void): PreflightEnv {
  const { limit, note } = raiseFileLimit('self');
  if (note) progress(`  note: ${note}`);
  const inProcess = broker.driver === 'embedded';
  const brokerLimit = !inProcess && broker.pid && broker.driver === 'local' ? fileLimit(broker.pid) : undefined;
  return { openFileLimit: limit?.soft, brokerOpenFileLimit: brokerLimit?.soft, brokerInProcess: inProcess };
}

/**
 * Runs the plan's scenarios in turn, with live metrics when asked. A shard (plan.shard) starts each at
 * its shared instant and hands each scenario's partial (its samples with global ids) to onPartial.
 */
export async function runBenchSuite(broker: StartedBroker, plan: BenchPlan, runId: string, progress: (line: string) => void, onPartial?: (p: ScenarioPartial) => void): Promise<BenchmarkResult[]> {
  const metrics = plan.metricsPort !== undefined ? await startMetrics(plan.metricsPort) : undefined;
  if (metrics) progress(`  live metrics: http://127.0.0.1:${metrics.port}/metrics (OpenMetrics)`);
  try {
    return await runScenarios(broker, plan, runId, progress, metrics, onPartial);
  } finally {
    await metrics?.close();
  }
}

/** The endpoint, or a UsageError naming the port when it cannot be bound (taken, or privileged). */
async function startMetrics(port: number): Promise<LiveMetrics> {
  try {
    return await startLiveMetrics(port);
  } catch (e) {
    throw new UsageError(`--metrics-port ${port}: cannot listen on 127.0.0.1:${port} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); pick a free port, or 0 for any`);
  }
}

async function runScenarios(broker: StartedBroker, plan: BenchPlan, runId: string, progress: (line: string) => void, metrics: LiveMetrics | undefined, onPartial?: (p: ScenarioPartial) => void): Promise<BenchmarkResult[]> {
  const results: BenchmarkResult[] = [];
  const env = preflightEnv(broker, progress);
  const starts = plan.shard ? scenarioStarts(plan.shard, plan.scenarios) : [];
  const record = (s: Scenario, r: BenchmarkResult, sampled?: ShardSamples) => {
    results.push(r);
    onPartial?.({ scenario: s, result: r, ...(sampled ? { sampled } : {}) });
  };
  for (const [k, s] of plan.scenarios.entries()) {
    let ratePerSec: number | undefined;
    if (s.rateFraction) {
      const ref = results.find((r) => r.scenario === s.rateFraction!.of);
      if (!ref || !ref.msgsPerSec) {
        record(s, notRunResult(s, broker.target, `${s.rateFraction.of} measured no maximum to take a fraction of`));
        continue;
      }
      ratePerSec = Math.max(1, Math.round(ref.msgsPerSec * s.rateFraction.fraction));
    }
    const cannot = scenarioKind(s.kind).preflight?.(s, env);
    if (cannot) {
      progress(`  ✗ ${broker.target} ${s.name} not run: ${cannot}`);
      record(s, notRunResult(s, broker.target, cannot));
      continue;
    }
    progress(`  ▶ ${broker.target} ${s.name}: ${s.description}${ratePerSec ? ` (rate ${ratePerSec}/s)` : ''}`);
    const shard = plan.shard;
    let sampled: ShardSamples | undefined;
    const r = await runScenario(broker, s, {
      runId, progress, ...(metrics ? { live: (x) => metrics.update(x) } : {}), ...(ratePerSec ? { ratePerSec } : {}),
      ...(shard ? { shard: { startAtMs: starts[k]!, index: shard.index, count: shard.count }, onSamples: (x, layout) => { sampled = globalSamples(shard.index, layout, x); } } : {}),
    });
    metrics?.finished(broker.target, s.name, r.loss?.lost);
    if (r.notRun) progress(`    not run: ${r.notRun}`);
    else if (r.error) progress(`    error: ${r.error}`);
    else progress(`    ${scenarioKind(s.kind).headline(r)}, p50 ${r.latency?.p50Ms ?? '-'} ms, p99 ${r.latency?.p99Ms ?? '-'} ms${r.loss ? `, lost ${r.loss.lost}, dup ${r.loss.duplicates}, reordered ${r.loss.reordered}` : ''}`);
    record(s, r, sampled);
  }
  if (plan.micro) {
    progress(`  ▶ ${broker.target} micro-benchmarks (tinybench)`);
    results.push(...(await runMicroBenchmarks(broker, runId)));
  }
  return results;
}

/** Pure: attach threshold verdicts and baseline comparisons; `breached` decides exit code 3. */
export function judgeBenchmarks(results: BenchmarkResult[], plan: BenchPlan): { results: BenchmarkResult[]; breached: boolean } {
  let breached = false;
  const judged = results.map((r) => {
    const thresholds = evaluateThresholds(plan.thresholds, r);
    const baseline = plan.baseline ? compareWithBaseline(r, plan.baseline, plan.tolerance) : undefined;
    if (thresholds.some((t) => t.verdict !== 'passed') || baseline?.regression) breached = true;
    return { ...r, ...(thresholds.length ? { thresholds } : {}), ...(baseline ? { baseline } : {}) };
  });
  return { results: judged, breached };
}
