// Small formatting helpers shared by the report's components. Statuses are shown by icon and word,
// never by colour alone.
import type { TestStatus } from '../../results/types.ts';
import { NOISE_FLOOR_PERCENT, benchDirection } from '../../results/version-diff.ts';

export const STATUS_LOOK: Record<TestStatus, { icon: string; word: string }> = {
  passed: { icon: '✓', word: 'pass' },
  failed: { icon: '✗', word: 'FAIL' },
  'expected-failure': { icon: '≈', word: 'known' },
  'not-applicable': { icon: '∅', word: 'n/a' },
  skipped: { icon: '↷', word: 'skip' },
  error: { icon: '⚠', word: 'ERROR' },
};

export const EXIT_MEANING: Record<number, string> = {
  0: 'all tests passed or matched known deviations',
  1: 'conformance failures or errors',
  2: 'bad input or a broken rig (a broker did not start)',
  3: 'benchmark thresholds failed',
  130: 'interrupted',
};

/** One page must stay well under 2 MB (CI artifact viewers and mail attachments choke on more). */
export const PAGE_BUDGET_MB = 1.9;

export function fmtNumber(n: number | undefined, digits = 0): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function fmtMs(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  return n < 10 ? `${n.toFixed(2)} ms` : n < 100 ? `${n.toFixed(1)} ms` : `${Math.round(n).toLocaleString('en-US')} ms`;
}

export function fmtBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1048576) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1073741824) return `${(n / 1048576).toFixed(1)} MiB`;
  return `${(n / 1073741824).toFixed(1)} GiB`;
}

export function fmtDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

export function fmtPercent(n: number | undefined, digits = 1): string {
  return n === undefined || !Number.isFinite(n) ? '—' : `${n.toFixed(digits)}%`;
}

/** Long broker output is cut so one page stays small; the full log sits in the run directory. */
export function clip(text: string, maxChars = 4000): string {
  return text.length <= maxChars ? text : `… (${text.length - maxChars} earlier characters cut; full log in the run's logs/)\n${text.slice(-maxChars)}`;
}

export type Direction = 'better' | 'worse' | 'same' | 'n/a';

/** Relative change from `from` to `to`; `higherIsBetter` decides the direction's word. Changes within NOISE_FLOOR_PERCENT (2%) read as "same" (run-to-run noise). */
export function delta(from: number | undefined, to: number | undefined, higherIsBetter: boolean): { pct?: number; direction: Direction } {
  const d = benchDirection(from, to, higherIsBetter, NOISE_FLOOR_PERCENT);
  return { ...d, direction: d.direction === 'within noise' ? 'same' : d.direction };
}
