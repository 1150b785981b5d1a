// --fuzz-budget, --fuzz-seed, --fuzz-iterations → the fuzz suite's plan, validated once at the CLI
// boundary (UsageError: one line naming the flag, the bad value and what is allowed; exit 2).
import { UsageError } from '../core/errors.ts';

export interface FuzzPlan {
  budgetMs: number;
  maxIterations: number;
  seed: number;
}

export const DEFAULT_FUZZ_BUDGET_MS = 20_000;
/** Fuzzed packets; at ~2,000/s a 60 s budget uses an eighth of it. */
export const DEFAULT_FUZZ_ITERATIONS = 1_000_000;

export interface FuzzFlags {
  'fuzz-budget'?: string;
  'fuzz-seed'?: string;
  'fuzz-iterations'?: string;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

function budget(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  const ms = m ? Number(m[1]) * UNIT_MS[m[2] ?? 's']! : NaN;
  if (!(ms >= 1000 && ms <= 3_600_000)) throw new UsageError(`--fuzz-budget "${value}" is not allowed; use a time from 1s to 60m, e.g. --fuzz-budget 60s (plain numbers are seconds)`);
  return Math.round(ms);
}

function integer(flag: string, value: string, min: number, max: number, example: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`--${flag} "${value}" is not allowed; use a whole number from ${min} to ${max}, e.g. --${flag} ${example}`);
  return n;
}

/** The plan when --suite fuzz is selected; the seed defaults to one drawn now (and recorded in the result). */
export function buildFuzzPlan(f: FuzzFlags): FuzzPlan {
  return {
    budgetMs: f['fuzz-budget'] === undefined ? DEFAULT_FUZZ_BUDGET_MS : budget(f['fuzz-budget']),
    maxIterations: f['fuzz-iterations'] === undefined ? DEFAULT_FUZZ_ITERATIONS : integer('fuzz-iterations', f['fuzz-iterations'], 1, 100_000_000, '20000'),
    seed: f['fuzz-seed'] === undefined ? Math.floor(Math.random() * 2 ** 31) : integer('fuzz-seed', f['fuzz-seed'], 0, 2 ** 32 - 1, '42'),
  };
}
