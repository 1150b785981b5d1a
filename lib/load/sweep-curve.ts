// The knee of a sweep (kind `sweep`): open-loop steps at geometric rates, each an ordinary latency
// run, until one's p99 exceeds the bound or it loses a message. The knee is the highest offered rate
// whose step stayed within the bound with nothing lost; the whole curve is kept for the report's chart.
// Pure functions of the scenario and the steps' results; the runner (scenario-runner.ts) drives them.
import type { BenchmarkResult, SweepStep } from '../results/types.ts';
import type { Scenario } from './scenario.ts';

export const SWEEP_DEFAULTS = { rateFactor: 2, maxSteps: 10, p99BoundMs: 10, warmupMs: 1000, retries: 1 } as const;

/** Rates per publisher: ratePerSec × rateFactor^i for i < maxSteps. */
export function sweepRates(s: Scenario): number[] {
  const factor = s.rateFactor ?? SWEEP_DEFAULTS.rateFactor;
  return Array.from({ length: s.maxSteps ?? SWEEP_DEFAULTS.maxSteps }, (_, i) => Math.round(s.ratePerSec! * factor ** i));
}

/** One step's point on the curve; `publishers` turns the per-publisher rate into the offered total. */
export function sweepStep(s: Scenario, r: BenchmarkResult, publishers: number): SweepStep | undefined {
  if (r.error || r.notRun || !r.latency) return undefined;
  const bound = s.p99BoundMs ?? SWEEP_DEFAULTS.p99BoundMs;
  const lost = r.loss?.lost ?? 0;
  return {
    ratePerSec: (r.ratePerSec ?? 0) * publishers,
    msgsPerSec: r.msgsPerSec,
    p50Ms: r.latency.p50Ms,
    p99Ms: r.latency.p99Ms,
    lost,
    withinBound: r.latency.p99Ms <= bound && lost === 0,
  };
}

/**
 * Whether a step is run again: only a p99 beyond the bound (with nothing lost), while attempts remain.
 * A loss or an error is the broker's answer at that rate; one slow second on a shared machine is not.
 */
export function retryStep(s: Scenario, step: SweepStep | undefined, attempt: number): boolean {
  return !!step && !step.withinBound && step.lost === 0 && attempt <= (s.retries ?? SWEEP_DEFAULTS.retries);
}

/** The step as counted: the last attempt's figures, with the earlier attempts' p99 kept beside them. */
export function withAttempts(step: SweepStep, earlier: readonly SweepStep[]): SweepStep {
  return earlier.length ? { ...step, attempts: earlier.length + 1, retriedP99Ms: earlier.map((e) => e.p99Ms) } : step;
}

/** Why the sweep should stop after this step, or undefined to go on. */
export function stopReason(s: Scenario, step: SweepStep | undefined, r: BenchmarkResult): string | undefined {
  if (!step) return r.error ? `error: ${r.error}` : 'no latency samples';
  if (step.lost) return `${step.lost} lost at ${step.ratePerSec.toLocaleString('en-US')} msgs/s`;
  const tries = step.retriedP99Ms?.length ? ` in each of ${step.attempts} runs (earlier: ${step.retriedP99Ms.join(', ')} ms)` : '';
  if (!step.withinBound) return `p99 ${step.p99Ms} ms > ${s.p99BoundMs ?? SWEEP_DEFAULTS.p99BoundMs} ms at ${step.ratePerSec.toLocaleString('en-US')} msgs/s${tries}`;
  return undefined;
}

/**
 * The sweep's result: the knee step's figures (or, with no step within the bound, the first step's),
 * the curve, and the knee itself (absent when no step stayed within the bound: "no data", never 0).
 */
export function sweepResult(s: Scenario, runs: readonly BenchmarkResult[], steps: readonly SweepStep[], stoppedBy: string): BenchmarkResult {
  const within = steps.map((st, i) => ({ st, i })).filter((x) => x.st.withinBound);
  const knee = within.at(-1);
  const shown = runs[knee?.i ?? 0] ?? runs[0]!;
  const { ratePerSec: _rate, ...figures } = shown;
  return {
    ...figures,
    sweep: {
      p99BoundMs: s.p99BoundMs ?? SWEEP_DEFAULTS.p99BoundMs,
      ...(knee ? { kneeMsgsPerSec: knee.st.ratePerSec } : {}),
      stoppedBy,
      steps: [...steps],
    },
    extra: { ...(shown.extra ?? {}), steps: steps.length, ...(knee ? { kneeMsgsPerSec: knee.st.ratePerSec } : {}) },
  };
}
