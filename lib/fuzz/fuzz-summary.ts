// One line for a fuzz run, as the test's `detail.actual` and the self-tests' log: what was exercised
// and how fast, so a pass shows what it stands on.
import type { FuzzReport } from './fuzz-engine.ts';

export function fuzzSummary(r: FuzzReport): string {
  const rss = r.rssKb ? `, broker RSS ${Math.round(r.rssKb.first / 1024)}→${Math.round(r.rssKb.last / 1024)} MB (max ${Math.round(r.rssKb.max / 1024)})` : '';
  return `${r.iterations} iterations (fuzzed packets) in ${r.sessions} sessions in ${(r.elapsedMs / 1000).toFixed(1)} s ` +
    `(${r.iterationsPerSec}/s, ${r.sessionsPerSec} sessions/s, ${r.concurrency} in parallel), seed ${r.seed}, ` +
    `${r.responseKinds} response kinds, ${r.canaryChecks} canary checks${rss}, stopped by ${r.stoppedBy}`;
}
