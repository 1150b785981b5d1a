// A figure's change, shown with arrow, signed percentage and a word (not colour alone).
import { delta } from './format.ts';

export function DeltaText({ from, to, higherIsBetter }: { from: number | undefined; to: number | undefined; higherIsBetter: boolean }) {
  const d = delta(from, to, higherIsBetter);
  if (d.direction === 'n/a') return <span class="delta na">—</span>;
  const arrow = d.pct === undefined ? '' : d.pct > 0 ? '▲' : d.pct < 0 ? '▼' : '•';
  const pct = d.pct === undefined ? 'from 0' : `${d.pct > 0 ? '+' : ''}${d.pct.toFixed(1)}%`;
  return <span class={`delta ${d.direction}`}>{arrow} {pct} <em>{d.direction === 'same' ? 'about the same' : d.direction}</em></span>;
}
