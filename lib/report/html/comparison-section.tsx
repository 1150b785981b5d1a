// Within one run: targets side by side. Benchmarks relative to the first target, and the tests on
// which targets disagree (the same key and protocol, different statuses).
import { labelOf, type ResultsDocument, type TestResult } from '../../results/types.ts';
import { upgradeResults } from '../../results/upgrade-results.ts';
import { benchmarkKey, scenarioLabel } from '../charts/series-label.ts';
import { DeltaText } from './delta-cell.tsx';
import { STATUS_LOOK, fmtMs, fmtNumber } from './format.ts';

function comparisonData(doc: ResultsDocument) {
  const targets = doc.targets.map(labelOf);
  const reference = targets[0];
  if (targets.length < 2 || !reference) return undefined;
  const benchGroups = groupBy(doc.benchmarks ?? [], benchmarkKey).filter((g) => g.length > 1 && g.some((b) => b.target === reference));
  // A v1 document rendered as is has no keys; its ids are its keys.
  const disagreements = groupBy(upgradeResults(doc).tests, (t) => `${t.key}\u0000${t.protocol ?? ''}`)
    .filter((g) => new Set(g.map((t) => t.status)).size > 1 && new Set(g.map((t) => t.target)).size > 1);
  return benchGroups.length || disagreements.length ? { targets, reference, benchGroups, disagreements } : undefined;
}

export const hasComparison = (doc: ResultsDocument) => comparisonData(doc) !== undefined;

export function ComparisonSection({ doc }: { doc: ResultsDocument }) {
  const data = comparisonData(doc);
  if (!data) return null;
  const { targets, reference, benchGroups, disagreements } = data;
  return (
    <section id="comparison">
      <h2>Comparison between targets</h2>
      {benchGroups.length ? (
        <>
          <p class="muted">Each target against <b>{reference}</b> (the first target of the run).</p>
          <table class="grid">
            <thead><tr><th>scenario</th><th>target</th><th class="num">msgs/s</th><th>vs {reference}</th><th class="num">p99</th><th>vs {reference}</th></tr></thead>
            <tbody>
              {benchGroups.flatMap((g) => {
                const ref = g.find((b) => b.target === reference)!;
                return g.map((b) => (
                  <tr>
                    <td>{scenarioLabel(b)}</td>
                    <td><b>{b.target}</b></td>
                    <td class="num">{fmtNumber(b.msgsPerSec)}</td>
                    <td>{b === ref ? <span class="muted">reference</span> : <DeltaText from={ref.msgsPerSec} to={b.msgsPerSec} higherIsBetter={true} />}</td>
                    <td class="num">{fmtMs(b.latency?.p99Ms)}</td>
                    <td>{b === ref ? <span class="muted">reference</span> : <DeltaText from={ref.latency?.p99Ms} to={b.latency?.p99Ms} higherIsBetter={false} />}</td>
                  </tr>
                ));
              })}
            </tbody>
          </table>
        </>
      ) : null}
      {disagreements.length ? (
        <>
          <h3>Tests on which targets disagree ({disagreements.length})</h3>
          <table class="grid">
            <thead><tr><th>test</th><th>protocol</th>{targets.map((t) => <th>{t}</th>)}</tr></thead>
            <tbody>
              {disagreements.map((g) => (
                <tr>
                  <td>{g[0]!.title}</td>
                  <td>{g[0]!.protocol ?? '—'}</td>
                  {targets.map((name) => <td>{statusText(g.find((t) => t.target === name))}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}

export function statusText(t: Pick<TestResult, 'status'> | undefined) {
  if (!t) return <span class="muted">not run</span>;
  const look = STATUS_LOOK[t.status] ?? { icon: '?', word: t.status };
  return <span class={`badge st-${t.status}`}>{look.icon} {t.status}</span>;
}

export function groupBy<T>(items: T[], key: (item: T) => string): T[][] {
  const m = new Map<string, T[]>();
  for (const i of items) m.set(key(i), [...(m.get(key(i)) ?? []), i]);
  return [...m.values()];
}
