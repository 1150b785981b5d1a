// Runs one scenario against one started broker: run (scenario-engine: workers emit samples) →
// aggregate (aggregate-result: a pure reducer) → BenchmarkResult. The kind's registry entry supplies
// everything that differs by kind; nothing here asks which kind it is.
import { randomBytes } from 'node:crypto';
import type { BenchmarkResult, SweepStep } from '../results/types.ts';
import type { ListenerInfo, StartedBroker } from '../core/broker.ts';
import type { Scenario } from './scenario.ts';
import { scenarioKind } from './scenario-kinds.ts';
import { aggregateScenario, baseResult } from './aggregate-result.ts';
import { sampleScenario } from './scenario-engine.ts';
import type { ScenarioSamples } from './scenario-samples.ts';
import type { Layout } from './scenario-layout.ts';
import type { LiveSample } from './live-metrics.ts';
import { SWEEP_DEFAULTS, retryStep, stopReason, sweepResult, sweepStep, withAttempts } from './sweep-curve.ts';

export interface RunScenarioOptions {
  runId: string;
  /** Open loop rate per publisher, resolved by the caller (absolute or a fraction of a measured max). */
  ratePerSec?: number;
  progress?: (line: string) => void;
  /** Live figures once a second (the --metrics-port endpoint). */
  live?: (x: LiveSample) => void;
  /** Called once publishing has started (used by the coordinated-omission proof to freeze the broker). */
  onStarted?: () => void;
  /**
   * TEST-ONLY switches, settable from code only (bench-suite and the CLI never pass them).
   * stampAtActualSend: stamp open-loop messages at their actual send time (the coordinated-omission
   * mistake), the control run of test/bench-coordinated-omission.test.ts.
   */
  testOnly?: { stampAtActualSend?: boolean };
  /** Shards: the shared instant publishing starts (epoch ms), and this shard's namespace in topics and client ids. */
  shard?: { startAtMs: number; index: number; count: number };
  /** Called with what the engine sampled and the layout, before aggregation (a shard keeps both for the merge). */
  onSamples?: (samples: ScenarioSamples, layout: Layout) => void;
}

/** The listener this scenario connects to, or why the target cannot run it. */
function listenerFor(s: Scenario, broker: StartedBroker): ListenerInfo | string {
  if (!broker.capabilities.protocols.includes(s.protocol)) return `${broker.target} does not support MQTT ${s.protocol}`;
  if (s.topology === 'shared' && !broker.capabilities.sharedSubscriptions) return `${broker.target} has no shared subscriptions`;
  const l = s.transport === 'tls' ? broker.listeners.tls : broker.listeners.plain;
  if (!l) return `no ${s.transport} listener on ${broker.target}${s.transport === 'tls' ? `: ${broker.missingListeners.tls ?? 'not configured'}` : ''}`;
  return l;
}

export async function runScenario(broker: StartedBroker, s: Scenario, o: RunScenarioOptions): Promise<BenchmarkResult> {
  const kind = scenarioKind(s.kind);
  const listener = listenerFor(s, broker);
  if (typeof listener === 'string') return { ...baseResult(s, broker.target), notRun: listener };
  if (kind.steps) return runSteps(broker, s, kind.steps(s), listener, o);
  return runOnce(broker, s, listener, o.ratePerSec ?? s.ratePerSec, o);
}

/** One sampled run of the scenario at one open-loop rate (closed-loop kinds ignore it). */
async function runOnce(broker: StartedBroker, s: Scenario, listener: ListenerInfo, rate: number | undefined, o: RunScenarioOptions): Promise<BenchmarkResult> {
  const kind = scenarioKind(s.kind);
  const ratePerSec = kind.loop === 'open' ? rate ?? 0 : 0;
  const partial: BenchmarkResult = { ...baseResult(s, broker.target), ...(kind.loop === 'open' ? { ratePerSec } : {}) };
  if (kind.loop === 'open' && !ratePerSec) return { ...partial, notRun: 'no rate: ratePerSec missing and rateFraction not resolved' };
  const prefix = `bench/${o.runId}/${s.name}/${randomBytes(3).toString('hex')}${o.shard && o.shard.count > 1 ? `/shard${o.shard.index}` : ''}`;
  const workers = s.workers ?? kind.defaultWorkers(s);
  const layout = kind.layout(s, prefix, workers);
  try {
    const samples = await sampleScenario(broker, s, kind, layout, listener, {
      runId: o.runId, prefix, workers, ratePerSec,
      ...(o.progress ? { progress: o.progress } : {}),
      ...(o.live ? { live: o.live } : {}),
      ...(o.onStarted ? { onStarted: o.onStarted } : {}),
      ...(o.testOnly?.stampAtActualSend ? { stampAtActualSend: true } : {}),
      ...(o.shard ? { startAtMs: o.shard.startAtMs } : {}),
    });
    o.onSamples?.(samples, layout);
    return aggregateScenario(s, kind, layout, samples, broker.target);
  } catch (e) {
    return { ...partial, error: (e as Error).message };
  }
}

/**
 * A stepped kind (sweep): a discarded warm-up run at the first rate, then one run per rate, in order,
 * until a step is beyond the bound (sweep-curve.ts); a p99 beyond it is retried (`retries`) first.
 */
async function runSteps(broker: StartedBroker, s: Scenario, rates: readonly number[], listener: ListenerInfo, o: RunScenarioOptions): Promise<BenchmarkResult> {
  const publishers = scenarioKind(s.kind).layout(s, 'count', 1).publisherCount;
  const offered = (rate: number) => (rate * publishers).toLocaleString('en-US');
  const warmupMs = s.warmupMs ?? SWEEP_DEFAULTS.warmupMs;
  if (warmupMs > 0 && rates.length) {
    const w = await runOnce(broker, { ...s, durationMs: warmupMs }, listener, rates[0], o);
    o.progress?.(`    warm-up (not counted): ${offered(rates[0]!)} msgs/s for ${warmupMs} ms → p99 ${w.latency?.p99Ms ?? '-'} ms${w.error ? `, error ${w.error}` : ''}`);
  }
  const runs: BenchmarkResult[] = [];
  const steps: SweepStep[] = [];
  let stoppedBy = `the last step (${rates.length})`;
  for (const rate of rates) {
    const earlier: SweepStep[] = [];
    let r = await runOnce(broker, s, listener, rate, o);
    let step = sweepStep(s, r, publishers);
    while (retryStep(s, step, earlier.length + 1)) {
      o.progress?.(`    step ${runs.length + 1}/${rates.length}: ${offered(rate)} msgs/s: p99 ${step!.p99Ms} ms beyond the bound, run again`);
      earlier.push(step!);
      r = await runOnce(broker, s, listener, rate, o);
      step = sweepStep(s, r, publishers);
    }
    if (step) step = withAttempts(step, earlier);
    runs.push(r);
    if (step) steps.push(step);
    o.progress?.(`    step ${runs.length}/${rates.length}: ${offered(rate)} msgs/s offered → ${r.msgsPerSec.toLocaleString('en-US')} delivered, p99 ${step?.p99Ms ?? '-'} ms, lost ${step?.lost ?? '-'}${r.error ? `, error ${r.error}` : ''}`);
    const stop = stopReason(s, step, r);
    if (stop) { stoppedBy = stop; break; }
  }
  if (!steps.length) return { ...runs[0]!, sweep: { p99BoundMs: s.p99BoundMs ?? SWEEP_DEFAULTS.p99BoundMs, stoppedBy, steps: [] } };
  return sweepResult(s, runs, steps, stoppedBy);
}
