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
