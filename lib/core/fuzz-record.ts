// What a fuzz test puts into its result (results.json `tests[].detail.fuzz`) for the report's fuzz
// section: what was exercised, how fast, and every finding with its minimized reproducer. Here in
// core because the test metadata (harness-context.ts) and the result types both carry it.
import type { ProtocolVersion } from './broker.ts';

export interface FuzzFindingRecord {
  kind: 'liveness' | 'forbidden-response' | 'memory';
  statement?: string;
  problem: string;
  /** Fuzzed packets sent before it, and the time from the start of the run. */
  iteration: number;
  foundAfterMs: number;
  minimizeMs: number;
  minimized: boolean;
  minimizerTests: number;
  reproducerBytes: number;
  /** The reproducer's writes in hex, ` | ` between writes. */
  reproducerHex: string;
}

/** What a fuzz run exercised: shared by the engine's report and the results.json record. */
export interface FuzzRunCounts {
  seed: number;
  protocols: ProtocolVersion[];
  /** Fuzzed packets written to an open connection and judged with their session's responses. */
  iterations: number;
  sessions: number;
  elapsedMs: number;
  iterationsPerSec: number;
  /** Sessions in flight at once. */
  concurrency: number;
  responseKinds: number;
  canaryChecks: number;
  /** Accepted sessions whose CONNECT asked for a kept session, ended by a Clean Session / Clean Start 1 reconnect (lib/fuzz/session-cleanup.ts). */
  keptSessionsDiscarded?: number;
  /** Times the RSS passed the bound under load and fell back under it once the fuzzing paused, the longest wait, the highest growth (kB). */
  rssSettled?: { times: number; longestMs: number; peakGrowthKb: number };
  /** Broker RSS (kB) at the first and last canary check, and the highest (local driver only). */
  rssKb?: { first: number; last: number; max: number };
  /** One vector file per protocol version the findings use (copy into fixtures/vectors/ to keep them). */
  reproducerFiles: string[];
}

export interface FuzzRecord extends FuzzRunCounts {
  stoppedBy: string;
  /** Machine load average (1 min) when the run ended: throughput on a shared machine needs it beside it. */
  loadAverage: number;
  findings: FuzzFindingRecord[];
}

/**
 * One input's answer in a differential fuzz run (docs/fuzz.md): the statement that allows one answer
 * to it (a CONNECT that must be closed), what the broker answered, and its response kind.
 */
export interface DifferentialAnswer {
  input: number;
  /** Set when the specification allows one answer: the CONNECT must be closed, never accepted. */
  statement?: string;
  /** Why the input allows more than one answer (a valid CONNECT, boundaries not certain, ...). */
  openBecause?: string;
  /** accepted (CONNACK 0), refused (CONNACK n), closed (no CONNACK), open or silent (neither). */
  answer: string;
  /** The whole session's response kind (session-runner.ts responseKind). */
  kind: string;
  /** The CONNECT in hex, for inputs with a statement (a difference there needs its reproducer). */
  connectHex?: string;
}

/** `<run dir>/fuzz/<target>.json` in a differential run: the answers per protocol version. */
export interface DifferentialFile {
  target: string;
  seed: number;
  runs: Partial<Record<ProtocolVersion, DifferentialAnswer[]>>;
}

/** A difference on an input whose statement allows one answer: a finding against `deviating`. */
export interface DifferentialFinding {
  statement: string;
  input: number;
  answers: Record<string, string>;
  /** The targets whose answer the statement forbids. */
  deviating: string[];
  problem: string;
  reproducerHex: string;
}

/** The comparison of every target's answers for one protocol version (results.json `fuzzDifferential`). */
export interface FuzzDifferential {
  protocol: ProtocolVersion;
  seed: number;
  targets: string[];
  /** Inputs every target played (a time budget lets a faster broker play more). */
  compared: number;
  /** Inputs whose statement allows one answer, among those compared. */
  oneAnswer: number;
  /** The first 50 differences on one-answer inputs, and how many there were per statement and deviating target. */
  findings: DifferentialFinding[];
  findingCounts: { statement: string; deviating: string; count: number }[];
  /** Differences the specification allows, by reason, with a few examples. */
  informational: { reason: string; count: number; examples: { input: number; answers: Record<string, string> }[] }[];
}
