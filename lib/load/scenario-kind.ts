// What one scenario kind declares (the registry of them is scenario-kinds.ts): its own fields and their
// validation, how the generic engine lays out and drives its load, which threshold metrics its results
// carry, and how aggregation reads its figures. The engine, the runner and aggregation read these
// declarations and never ask which kind they are running.
import type { ResourceLimits } from 'node:worker_threads';
import type { BenchmarkResult } from '../results/types.ts';
import type { ThresholdMetric } from '../results/thresholds.ts';
import type { Scenario } from './scenario.ts';
import type { Layout } from './scenario-layout.ts';
import type { ScenarioSamples } from './scenario-samples.ts';
import type { WorkerPlan } from './worker-protocol.ts';

/** Throws a UsageError naming the scenario, the field, the bad value and what is allowed. */
export type FieldFailure = (field: string, value: unknown, allowed: string) => never;

/** Delivery accounting over every tracker group (see aggregate-result.ts). */
export interface DeliveryTotals {
  expected: number;
  unique: number;
  lost: number;
  duplicates: number;
  reordered: number;
}

/** What a kind's preflight may weigh: the soft open-file limits in force (undefined: unknown). */
export interface PreflightEnv {
  /** This process's (the generator workers are its threads). */
  openFileLimit: number | undefined;
  /** The broker's, when it is a local process whose /proc/<pid>/limits can be read. */
  brokerOpenFileLimit: number | undefined;
  /** The broker runs in this process (embedded): its connections count against openFileLimit too. */
  brokerInProcess: boolean;
}

export interface ScenarioKindSpec {
  /** One line for the docs: what a scenario of this kind measures. */
  summary: string;

  // --- scenario file ---
  /** Fields beyond the common ones (name, kind, protocol, qos, ...) that this kind reads. */
  fields: readonly (keyof Scenario)[];
  /** Kind-specific checks once every field is parsed (e.g. a connections scenario needs a count). */
  validate(s: Scenario, fail: FieldFailure): void;

  // --- run ---
  /** Worker threads when the scenario does not set `workers`. */
  defaultWorkers(s: Scenario): number;
  layout(s: Scenario, prefix: string, workers: number): Layout;
  /** closed: bounded in flight, latency from the actual send; open: message i due at start + i / rate. */
  loop: 'closed' | 'open';
  /** Additions to one worker's plan (e.g. the retained storm's topics go to worker 0). */
  workerPlan?(s: Scenario, prefix: string, workerIndex: number): Partial<WorkerPlan>;
  /** V8 limits for the generator workers (e.g. a small young generation for idle connections). */
  workerResourceLimits?: ResourceLimits;
  /** Print the once-a-second msg/s line (not for idle connections). */
  liveProgress: boolean;
  /** Longest wait for stragglers after publishing ends. */
  drainCapMs(s: Scenario): number;
  /**
   * A stepped kind (sweep): the open-loop rates per publisher to run in turn, each one sampled run;
   * the runner ends at the first step beyond the bound and folds the steps into one result.
   */
  steps?: (s: Scenario) => number[];
  /** Read the broker's RSS before and after the run (memory per connection). */
  rssDelta: boolean;
  /** Why this scenario cannot run here (checked before any worker starts), or undefined. */
  preflight?(s: Scenario, env: PreflightEnv): string | undefined;

  // --- result ---
  /** Threshold metrics that results of this kind carry ("*" thresholds apply only to these). */
  metrics: readonly ThresholdMetric[];
  result: {
    /** The measured window (ms) that rates are taken over; the result's durationMs. */
    windowMs(x: ScenarioSamples): number;
    /** Messages counted over that window for msgsPerSec, or undefined when the kind has no message rate. */
    messages(x: ScenarioSamples, d: DeliveryTotals): number | undefined;
    /** Which histogram the latency summary comes from. */
    latencyFrom: 'messages' | 'connects';
    /** The result carries loss/duplicate/reorder counts. */
    loss: boolean;
    /** Keys this kind puts in `extra`. */
    extraKeys: readonly string[];
    extra(s: Scenario, x: ScenarioSamples, windowMs: number, layout: Layout): Record<string, number>;
  };
  /** The one-line summary printed after the run (progress, stderr). */
  headline(r: BenchmarkResult): string;
}
