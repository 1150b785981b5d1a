// One line for a fuzz run, as the test's `detail.actual` and the self-tests' log: what was exercised
// and how fast, so a pass shows what it stands on.
import os from 'node:os';
import type { FuzzRecord } from '../core/fuzz-record.ts';
import type { FuzzReport } from './fuzz-engine.ts';

export function fuzzSummary(r: FuzzReport): string {
  const rss = r.rssKb ? `, broker RSS ${Math.round(r.rssKb.first / 1024)}→${Math.round(r.rssKb.last / 1024)} MB (max ${Math.round(r.rssKb.max / 1024)})` : '';
  const settled = r.rssSettled ? `; RSS passed the bound under load ${r.rssSettled.times} time(s) (by up to ${Math.round(r.rssSettled.peakGrowthKb / 1024)} MB) and fell back within ${(r.rssSettled.longestMs / 1000).toFixed(1)} s of a pause each time, not a leak` : '';
  return `${r.iterations} iterations (fuzzed packets) in ${r.sessions} sessions in ${(r.elapsedMs / 1000).toFixed(1)} s ` +
    `(${r.iterationsPerSec}/s, ${r.sessionsPerSec} sessions/s, ${r.concurrency} in parallel), seed ${r.seed}, ` +
    `${r.responseKinds} response kinds, ${r.canaryChecks} canary checks, ${r.keptSessionsDiscarded ?? 0} kept sessions discarded${rss}${settled}, stopped by ${r.stoppedBy}${r.slowCanary ? ` (${r.slowCanary.split('\n')[0]}; it answered once the sessions stopped)` : ''}, load average ${os.loadavg()[0]!.toFixed(1)}`;
}

/** The run as results.json records it (tests[].detail.fuzz), with the machine's 1-minute load average. */
export function fuzzRecord(r: FuzzReport): FuzzRecord {
  return {
    seed: r.seed, protocols: r.protocols, iterations: r.iterations, sessions: r.sessions, elapsedMs: r.elapsedMs, iterationsPerSec: r.iterationsPerSec,
    keptSessionsDiscarded: r.keptSessionsDiscarded, concurrency: r.concurrency, responseKinds: r.responseKinds, canaryChecks: r.canaryChecks, stoppedBy: r.stoppedBy,
    ...(r.rssKb ? { rssKb: r.rssKb } : {}),
    ...(r.rssSettled ? { rssSettled: r.rssSettled } : {}),
    loadAverage: Math.round(os.loadavg()[0]! * 100) / 100,
    findings: r.findings.map((f) => ({
      kind: f.kind, ...(f.statement ? { statement: f.statement } : {}), problem: f.problem, iteration: f.iteration, foundAfterMs: f.foundAfterMs,
      minimizeMs: f.minimizeMs, minimized: f.reproducer.minimized, minimizerTests: f.reproducer.minimizerTests, reproducerBytes: f.reproducer.bytes,
      reproducerHex: f.reproducer.writes.map((w) => w.toString('hex').replace(/(..)(?!$)/g, '$1 ')).join(' | '),
    })),
    reproducerFiles: r.reproducerFiles,
  };
}
