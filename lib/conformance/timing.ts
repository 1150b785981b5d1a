// Timing tests judge a measured value against the bound the specification sets, and (in a default
// run) a stated tolerance beyond it: brokers check timers on a tick and the machine is shared. A value
// beyond the specification but within the tolerance passes with a `tolerated` note that says by how
// much; --strict applies the specification's bound itself. Like behaviour.ts, this is where --strict
// is judged for timings; the conformance DSL (env.measure) and keyed tests call it.
import type { Measurement } from '../results/types.ts';

export interface TimingInput {
  what: string;
  valueMs: number;
  bound: Measurement['bound'];
  specMs: number;
  /** The wider bound a default run accepts; omit when the test applies the specification's bound. */
  toleratedMs?: number;
  /** Words that make the note readable, e.g. "with Keep Alive 1 s". */
  context?: string;
}

export interface TimingVerdict {
  measured: Measurement;
  /** Why the value is not accepted (the test fails), or undefined. */
  problem?: string;
  /** Set when the value is accepted only by the tolerance. */
  tolerated?: string;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/**
 * What the harness cannot tell apart: it times from its own write to its own close event, over
 * loopback and through two event loops, so a value within this margin of a bound counts as on it.
 * Stated, recorded in every measurement, and applied under --strict too (aedes closes a Keep Alive
 * 1 s client at 1501 ms measured: that is on time, not 1 ms late).
 */
export const MEASUREMENT_MARGIN_MS = 100;

export function judgeTiming(input: TimingInput, strict: boolean): TimingVerdict {
  const { what, valueMs, bound, specMs, toleratedMs, context } = input;
  const appliedMs = strict || toleratedMs === undefined ? specMs : toleratedMs;
  const measured: Measurement = { what, valueMs: Math.round(valueMs), bound, specMs, ...(toleratedMs !== undefined ? { toleratedMs } : {}), appliedMs, marginMs: MEASUREMENT_MARGIN_MS };
  const beyond = (limit: number) => (bound === 'at-most' ? valueMs > limit + MEASUREMENT_MARGIN_MS : valueMs < limit - MEASUREMENT_MARGIN_MS);
  const allows = `the specification allows ${bound === 'at-most' ? 'at most' : 'no less than'} ${seconds(specMs)}`;
  const observed = `${what}: ${seconds(valueMs)}${context ? ` ${context}` : ''}`;
  if (beyond(appliedMs)) {
    const applied = appliedMs === specMs ? '' : ` (tolerated: ${seconds(appliedMs)})`;
    return { measured, problem: `${strict && toleratedMs !== undefined ? '--strict: ' : ''}${observed}; ${allows}${applied}` };
  }
  if (beyond(specMs)) return { measured, tolerated: `${observed}; ${allows} (a default run tolerates ${seconds(appliedMs)}; --strict fails this)` };
  return { measured };
}
