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

export interface FuzzRecord {
  seed: number;
  protocols: ProtocolVersion[];
  /** Fuzzed packets written to an open connection and judged with their session's responses. */
  iterations: number;
  sessions: number;
  elapsedMs: number;
  iterationsPerSec: number;
  concurrency: number;
  responseKinds: number;
  canaryChecks: number;
  stoppedBy: string;
  /** Broker RSS at the first and last canary check, and the highest (local driver only). */
  rssKb?: { first: number; last: number; max: number };
  /** Machine load average (1 min) when the run ended: throughput on a shared machine needs it beside it. */
  loadAverage: number;
  findings: FuzzFindingRecord[];
  /** Vector files the findings were written to (copy into fixtures/vectors/ to keep as regression tests). */
  reproducerFiles: string[];
}
