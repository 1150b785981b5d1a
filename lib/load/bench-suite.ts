// The `bench` suite: run by the orchestrator directly (not through vitest), because the main process
// knows the broker's pid and ports. Flags are validated into a BenchPlan before anything starts.
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { UsageError } from '../core/errors.ts';
import { ROOT } from '../core/paths.ts';
import type { BenchmarkResult } from '../results/types.ts';
import type { StartedBroker } from '../core/broker.ts';
import { loadThresholds, evaluateThresholds, type Threshold } from '../results/thresholds.ts';
import { compareWithBaseline, DEFAULT_TOLERANCE, loadBaseline, parseTolerance, type BaselineSet, type BaselineTolerance } from '../results/baseline.ts';
import { loadScenarios, selectScenarios, type Scenario } from './scenario.ts';
import { runScenario } from './scenario-runner.ts';
import { runMicroBenchmarks } from './micro-benchmarks.ts';

export const SCENARIO_DIR = path.join(ROOT, 'suites/bench');
/** --scenario word that selects the tinybench micro-benchmarks (on by default). */
export const MICRO = 'micro';

export interface BenchFlags {
  scenario?: string;
  duration?: string;
  thresholds?: string;
  baseline?: string;
  'baseline-tolerance'?: string;
}

export interface BenchPlan {
  scenarios: Scenario[];
  micro: boolean;
  thresholds: Threshold[];
  baseline?: BaselineSet;
  tolerance: BaselineTolerance;
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
  const micro = !words || words.includes(MICRO) || words.includes('all');
  const scenarioWords = words?.filter((w) => w !== MICRO);
  const scenarios = scenarioWords && !scenarioWords.length ? [] : selectScenarios(all, scenarioWords, durationMs);
  const thresholds = f.thresholds ? loadThresholds(path.resolve(f.thresholds), [...all.map((s) => s.name), ...microNames()]) : [];
  return {
    scenarios,
    micro,
    thresholds,
    ...(f.baseline ? { baseline: loadBaseline(path.resolve(f.baseline)) } : {}),
    tolerance: f['baseline-tolerance'] ? parseTolerance(f['baseline-tolerance']) : DEFAULT_TOLERANCE,
  };
}

function microNames(): string[] {
  return ['micro.encode-publish-64b', 'micro.decode-publish-64b', 'micro.connect-connack', 'micro.tls-handshake-connack', 'micro.publish-puback'];
}

function openFileLimit(): number | undefined {
  try {
    return Number(execFileSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()) || undefined;
  } catch {
    return undefined;
  }
}

export async function runBenchSuite(broker: StartedBroker, plan: BenchPlan, runId: string, progress: (line: string) => void): Promise<BenchmarkResult[]> {
  const results: BenchmarkResult[] = [];
  const limit = openFileLimit();
  for (const s of plan.scenarios) {
    let ratePerSec: number | undefined;
    if (s.rateFraction) {
      const ref = results.find((r) => r.scenario === s.rateFraction!.of);
      if (!ref || !ref.msgsPerSec) {
        results.push({ scenario: s.name, target: broker.target, protocol: s.protocol, kind: s.kind, durationMs: 0, sent: 0, received: 0, msgsPerSec: 0, notRun: `${s.rateFraction.of} measured no maximum to take a fraction of` });
        continue;
      }
      ratePerSec = Math.max(1, Math.round(ref.msgsPerSec * s.rateFraction.fraction));
    }
    // Idle connections are bounded by `ulimit -n` (ours; the broker's is usually the same): leave headroom.
    if (s.kind === 'connections' && limit && s.count! > limit * 0.8) {
      results.push({ scenario: s.name, target: broker.target, protocol: s.protocol, kind: s.kind, durationMs: 0, sent: 0, received: 0, msgsPerSec: 0, notRun: `${s.count} connections exceed 80% of ulimit -n (${limit})` });
      continue;
    }
    progress(`  ▶ ${broker.target} ${s.name}: ${s.description}${ratePerSec ? ` (rate ${ratePerSec}/s)` : ''}`);
    const r = await runScenario(broker, s, { runId, progress, ...(ratePerSec ? { ratePerSec } : {}) });
    if (r.notRun) progress(`    not run: ${r.notRun}`);
    else if (r.error) progress(`    error: ${r.error}`);
    else progress(`    ${r.kind === 'connections' ? `${r.extra?.connectionsPerSec} conn/s` : `${r.msgsPerSec.toLocaleString('en-US')} msgs/s`}, p50 ${r.latency?.p50Ms ?? '-'} ms, p99 ${r.latency?.p99Ms ?? '-'} ms${r.loss ? `, lost ${r.loss.lost}, dup ${r.loss.duplicates}, reordered ${r.loss.reordered}` : ''}`);
    results.push(r);
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
