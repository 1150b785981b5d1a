// The versioned result document (`results.json`). Console, JUnit and HTML output are pure functions
// of it. Schema: fixtures/schema/results.schema.json — bump RESULTS_SCHEMA_VERSION with every change.
import type { FuzzDifferential, FuzzRecord } from '../core/fuzz-record.ts';
import type { Capabilities, DriverName, ListenerName, ProtocolVersion } from '../core/broker.ts';

// 2: tests carry `key`; expectations, findings and the compare view point at it (v1 had only the
// display `id`; lib/results/upgrade-results.ts reads v1 documents).
// 3: coverage is per target and protocol and counts exercised statements only (`exercised`,
// `exercisedIds`, `notExercised`); tests may carry `detail.measured` and `detail.tolerated`.
export const RESULTS_SCHEMA_VERSION = 3;

export const TEST_STATUSES = ['passed', 'failed', 'expected-failure', 'not-applicable', 'skipped', 'error'] as const;
export type TestStatus = (typeof TEST_STATUSES)[number];

export interface TestDetail {
  reason?: string;
  expected?: string;
  actual?: string;
  /** The behaviour a broker chose where the specification allows several. */
  behaviour?: string;
  /** Excerpt of the broker's log around the failure. */
  brokerLog?: string;
  /** The expectation entry that turned a failure into expected-failure, that is now stale, or that a different failure did not meet. */
  expectation?: ExpectationDetail;
  /** A timing test's measured value next to the bound it applied. */
  measured?: Measurement;
  /**
   * Set when a default run accepted a value the specification does not allow (within the test's
   * stated tolerance): the result is `passed`, this says by how much; --strict fails it instead.
   */
  tolerated?: string;
  /**
   * Why a `failed` test failed: `assertion` = a check did not hold (an expect, or an observed packet
   * that contradicts the expected one: UnexpectedPacketError, ConnectionClosedError); `wait-timeout` = a
   * bounded wait for a packet ran out (WaitTimeoutError); `test-timeout` = the test itself ran out of
   * time; `exception` = anything else thrown. The mutation self-tests count only `assertion` as a catch.
   */
  failureKind?: FailureKind;
  /** A fuzz test's run: iterations, rate, seed, findings and reproducers (lib/core/fuzz-record.ts). */
  fuzz?: FuzzRecord;
}

export const FAILURE_KINDS = ['assertion', 'wait-timeout', 'test-timeout', 'exception'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** An expectations entry as a result carries it (lib/results/expectations.ts). */
export interface ExpectationDetail {
  /** The entry's explanation of the deviation. */
  reason: string;
  /** The broker version range the entry names. */
  brokerVersions: string;
  /** The failure it expects, as text: `reason contains "…"` / `actual contains "…"`. */
  failure: string;
  spec?: string[];
  /** The test passed: the entry is stale (the summary lists it; --strict-expectations fails the run). */
  stale?: boolean;
  /** The test failed, but not as the entry expects, so it stays `failed`: the failure expected and the one seen. */
  differentFailure?: string;
}

/** What a timing test measured and the bounds it judged it against (lib/conformance/timing.ts). */
export interface Measurement {
  /** What was timed, e.g. "close after the last packet". */
  what: string;
  valueMs: number;
  /** at-most: the value must not exceed the bound (a deadline); at-least: must not fall below it (a delay). */
  bound: 'at-most' | 'at-least';
  /** The bound the specification sets (or, where it sets none, the test's own stated bound). */
  specMs: number;
  /** The wider bound a default run applies (shared machine, broker timer ticks); absent: specMs was applied. */
  toleratedMs?: number;
  /** The bound this run applied: specMs under --strict, else toleratedMs ?? specMs. */
  appliedMs: number;
  /** The measurement margin allowed around every bound (lib/conformance/timing.ts MEASUREMENT_MARGIN_MS). */
  marginMs?: number;
}

export interface TestResult {
  /**
   * The test's stable key (docs/test-keys.md), e.g. `publish.overlap-max-qos`: declared by the test,
   * unchanged when its title is reworded. With protocol and target it identifies a result;
   * expectations, findings, baselines and the compare view key on it.
   */
  key: string;
  /** Display path: suite/file › describe › title, without target or protocol. Not an identity. */
  id: string;
  title: string;
  suite: string;
  spec: string[];
  protocol: ProtocolVersion | null;
  /** The target's label (TargetRecord.label): its name, or `<name>@<version>` for a versioned target
   * (`--target mosquitto@2.0.21`), so two versions of one broker in one run stay apart. */
  target: string;
  status: TestStatus;
  durationMs: number;
  detail?: TestDetail;
}

export interface TargetRecord {
  /** The broker's name (the descriptor's, e.g. `mosquitto`), also for a versioned target. */
  name: string;
  /** The version asked for with `--target <name>@<version>` (e.g. `2.0.21`); absent without @version. */
  version?: string;
  /** What TestResult.target says for this target: `<name>@<version>` when versioned, else `name`. */
  label?: string;
  driver: DriverName;
  /** The version the broker reports. */
  brokerVersion: string;
  image?: string;
  listeners: Partial<Record<ListenerName, string>>;
  missingListeners?: Partial<Record<ListenerName, string>>;
  capabilities?: Capabilities;
  logFile?: string;
  /** Set when the broker could not be started; its tests did not run. */
  startError?: string;
  /** Expectation entries (`[mqtt <protocol>] <test key>`) whose suite ran but which matched no test: removed or re-keyed tests. */
  unmatchedExpectations?: string[];
  /** Expectation entries (`[mqtt <protocol>] <test key>`) in range whose test passed: the deviation is gone. */
  staleExpectations?: string[];
  /** What the broker itself announced or showed before the suites ran (see lib/conformance/capability-probe.ts), with the evidence. */
  announcedCapabilities?: Record<string, { value: boolean | number; evidence: string; protocol: ProtocolVersion }>;
  /** Where the broker's announcement and the descriptor or profile disagree; each is also a finding. */
  capabilityContradictions?: CapabilityContradictionRecord[];
  /** Why the capability probe could not run (the descriptor's word then stands). */
  capabilityProbeProblems?: string[];
}

/** What tests[].target says for a target record: its label (`<name>@<version>`), else its name (documents before labels). */
export const labelOf = (t: Pick<TargetRecord, 'name' | 'label'>): string => t.label ?? t.name;

export interface CapabilityContradictionRecord {
  capability: string;
  declared: string;
  announced: string;
  evidence: string;
  protocol: ProtocolVersion;
  direction: 'broker-declines' | 'broker-offers';
}

export interface RunRecord {
  id: string;
  startedAt: string;
  finishedAt: string;
  harnessVersion: string;
  command: string[];
  exitCode: number;
  machine: { cpus: number; cpuModel: string; memoryBytes: number; os: string; node: string };
}

/**
 * Statement coverage of one target under one protocol version ("on this broker"): a statement is
 * exercised when a test naming it ended passed, failed or expected-failure on that target —
 * not-applicable, skipped and error exercised nothing.
 */
export interface CoverageRecord {
  /** The target; `*` in documents upgraded from v1/v2, whose coverage pooled every target of the run. */
  target: string;
  protocol: ProtocolVersion;
  /** Broker-observable statements (the denominator). */
  observable: number;
  /** Of those, how many were exercised on this target. */
  exercised: number;
  percent: number;
  /** The exercised statement ids, in statement-list order. */
  exercisedIds: string[];
  /** Broker-observable statement ids not exercised on this target, in statement-list order. */
  notExercised: string[];
}

/**
 * Whose doing a finding is: the broker's behaviour; the rig's (configuration the harness chose for a
 * broker it manages, e.g. a password listener without TLS so that the wire can be read); or the
 * operator's (the configuration of an external broker described by --profile). Only broker and
 * operator findings count against a target.
 */
export type FindingAttribution = 'broker' | 'rig' | 'operator';

/** A security-relevant observation, stated plainly (TLS/auth issue; the HTML report lists them). */
export interface Finding {
  target: string;
  severity: 'high' | 'medium' | 'low' | 'info';
  title: string;
  detail: string;
  /** Keys of the tests that produced it (v1 documents: their ids). */
  tests: string[];
  /** Absent in documents written before attribution existed: read as 'broker' (attributionOf). */
  attribution?: FindingAttribution;
  /** Why it is the rig's or the operator's rather than the broker's. */
  attributionReason?: string;
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  meanMs: number;
  /** Percentile curve from the merged HDR histogram, for plotting (percentile 0..100). */
  curve?: { percentile: number; valueMs: number }[];
}

export interface ResourceSample {
  tMs: number;
  cpuPercent: number;
  rssBytes: number;
}

/**
 * Benchmark kinds as the results document names them (the schema's `benchmarks[].kind` enum). The load
 * engine's kind registry (lib/load/scenario-kinds.ts) must have one entry per kind except `micro`
 * (the tinybench micro-benchmarks, which have no scenario file); the compiler checks that.
 */
export const BENCHMARK_KINDS = ['throughput', 'latency', 'connections', 'retained-storm', 'sweep', 'micro'] as const;
export type BenchmarkKind = (typeof BENCHMARK_KINDS)[number];

export interface ThresholdVerdict {
  expression: string;
  verdict: 'passed' | 'failed' | 'no-data';
  actual?: number;
}

/**
 * One benchmark scenario run against one target (benchmark issue). Figures carry units in names.
 * The benchmark issue may add fields; renderers must treat every optional field as possibly absent.
 */
/** One open-loop step of a sweep: offered rate (all publishers), what arrived, its tail and loss. */
export interface SweepStep {
  ratePerSec: number;
  msgsPerSec: number;
  p50Ms?: number;
  p99Ms: number;
  lost: number;
  withinBound: boolean;
  /** Runs at this rate when a p99 beyond the bound was retried (the figures are the last run's). */
  attempts?: number;
  /** The p99 of the earlier runs at this rate, each beyond the bound. */
  retriedP99Ms?: number[];
}

export interface SweepCurve {
  p99BoundMs: number;
  /** Absent when not even the first step stayed within the bound ("no data" to a threshold). */
  kneeMsgsPerSec?: number;
  /** Why the sweep ended: a step beyond the bound, loss, an error, or the last step. */
  stoppedBy?: string;
  steps: SweepStep[];
}

export interface BenchmarkResult {
  scenario: string;
  target: string;
  protocol: ProtocolVersion;
  kind: BenchmarkKind;
  qos?: 0 | 1 | 2;
  payloadBytes?: number;
  transport?: 'plain' | 'tls';
  durationMs: number;
  sent: number;
  received: number;
  msgsPerSec: number;
  latency?: LatencySummary;
  loss?: { lost: number; duplicates: number; reordered: number; lossRate: number };
  broker?: { samples: ResourceSample[]; cpuPercentMean: number; rssBytesMax: number };
  /** cpuPercentMean: the busiest worker thread's; cpuMs: all worker threads' CPU time together. */
  generator?: { cpuPercentMean: number; bound: boolean; cpuMs?: number };
  /** Scenario-specific figures, e.g. connectionsPerSec, bytesPerConnection. */
  extra?: Record<string, number>;
  /** kind sweep: the curve of open-loop steps and the knee (the highest rate within the p99 bound, nothing lost). */
  sweep?: SweepCurve;
  thresholds?: ThresholdVerdict[];
  /** Comparison with --baseline: figures from the baseline run and the verdict. */
  baseline?: { msgsPerSec?: number; p99Ms?: number; regression: boolean; note?: string };
  /** Why the scenario did not run on this target (e.g. no TLS listener, MQTT 5 unsupported); no figures then. */
  notRun?: string;
  /** Open loop: the intended rate per publisher. */
  ratePerSec?: number;
  topology?: string;
  clients?: number;
  /** The scenario could not complete (connection refused, generator failed); figures are partial or absent. */
  error?: string;
}

export interface ResultsDocument {
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  run: RunRecord;
  targets: TargetRecord[];
  tests: TestResult[];
  coverage?: CoverageRecord[];
  findings?: Finding[];
  benchmarks?: BenchmarkResult[];
  /** --suite fuzz with several targets: the same inputs' answers compared, per protocol version. */
  fuzzDifferential?: FuzzDifferential[];
}
