// A figure's change, shown with arrow, signed percentage and a word (not colour alone).
import type { BenchDirection } from '../../results/version-diff.ts';
import { delta, type Direction } from './format.ts';

export function DeltaText({ from, to, higherIsBetter }: { from: number | undefined; to: number | undefined; higherIsBetter: boolean }) {
  return <DeltaView {...delta(from, to, higherIsBetter)} />;
}

/** A change already judged: `same` (the 2% rule) and `within noise` (the run's noise band, `band`) both read as no change. */
export function DeltaView({ pct, direction, band }: { pct?: number; direction: Direction | BenchDirection; band?: string }) {
  if (direction === 'n/a') return <span class="delta na">—</span>;
  const quiet = direction === 'same' || direction === 'within noise';
  const arrow = pct === undefined ? '' : pct > 0 ? '▲' : pct < 0 ? '▼' : '•';
  const text = pct === undefined ? 'from 0' : `${pct > 0 ? '+' : ''}${pct.toFixed(1)}%`;
  return <span class={`delta ${quiet ? 'same' : direction}`} title={band}>{arrow} {text} <em>{direction === 'same' ? 'about the same' : direction}</em></span>;
}
