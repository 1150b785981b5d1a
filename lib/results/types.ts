// The versioned result document (`results.json`). Console, JUnit and HTML output are pure functions
// of it. Schema: fixtures/schema/results.schema.json — bump RESULTS_SCHEMA_VERSION with every change.
import type { Capabilities, DriverName, ListenerName, ProtocolVersion } from '../targets/target.ts';

export const RESULTS_SCHEMA_VERSION = 1;

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
  /** The expectation entry that turned a failure into expected-failure, or that is now stale. */
  expectation?: { reason: string; brokerVersion?: string; stale?: boolean };
}

export interface TestResult {
  /** Stable across runs: suite + title path without target or protocol. */
  id: string;
  title: string;
  suite: string;
  spec: string[];
  protocol: ProtocolVersion | null;
  target: string;
  status: TestStatus;
  durationMs: number;
  detail?: TestDetail;
}

export interface TargetRecord {
  name: string;
  driver: DriverName;
  brokerVersion: string;
  image?: string;
  listeners: Partial<Record<ListenerName, string>>;
  missingListeners?: Partial<Record<ListenerName, string>>;
  capabilities?: Capabilities;
  logFile?: string;
  /** Set when the broker could not be started; its tests did not run. */
  startError?: string;
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

/** Statement coverage per protocol version (conformance issues). */
export interface CoverageRecord {
  protocol: ProtocolVersion;
  /** Broker-observable statements (the denominator). */
  observable: number;
  /** Of those, statements checked by at least one test that ran (passed/failed/expected-failure). */
  tested: number;
  percent: number;
  untested: string[];
}

/** A security-relevant observation, stated plainly (TLS/auth issue; the HTML report lists them). */
export interface Finding {
  target: string;
  severity: 'high' | 'medium' | 'low' | 'info';
  title: string;
  detail: string;
  /** Test ids that produced it. */
  tests: string[];
}

/** One benchmark scenario run against one target (benchmark issue); figures carry units in names. */
export interface BenchmarkResult {
  scenario: string;
  target: string;
  protocol: ProtocolVersion;
  [figure: string]: unknown;
}

export interface ResultsDocument {
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  run: RunRecord;
  targets: TargetRecord[];
  tests: TestResult[];
  coverage?: CoverageRecord[];
  findings?: Finding[];
  benchmarks?: BenchmarkResult[];
}
