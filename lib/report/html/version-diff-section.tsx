// The version diff on a page: per broker and version step, the tests that changed (regressions
// first) with links to their statements, new and resolved findings, and benchmark figures with the
// noise band they were judged against. The run report shows it for runs over several versions of a
// broker; the comparison page of two runs (npm run report -- --compare) shows it for every pair.
import type { ResultsDocument } from '../../results/types.ts';
import { versionDiffsInRun, type VersionDiff } from '../../results/version-diff.ts';
import { BENCH_METRIC_LOOK, countsText, diffTitle } from '../version-diff-table.ts';
import { statusText } from './comparison-section.tsx';
import { DeltaView } from './delta-cell.tsx';
import { StatementLink, StatementList } from './statement-links.tsx';

const KIND_LOOK = { regressed: ['✗ regressed', 'st-failed'], fixed: ['✓ fixed', 'st-passed'], changed: ['↔ changed', 'st-skipped'], added: ['+ added', 'st-skipped'], removed: ['− removed', 'st-skipped'], unchanged: ['= unchanged', 'st-skipped'] } as const;

function TestChanges({ d }: { d: VersionDiff }) {
  const changed = d.tests.filter((t) => t.kind !== 'unchanged');
  if (!changed.length) return <p class="ok-text">✓ Every test has the same status in both versions ({d.counts.unchanged}).</p>;
  return (
    <table class="grid changes">
      <thead><tr><th>change</th><th>protocol</th><th>test</th><th>statements</th><th>old ({d.old.version})</th><th>new ({d.new.version})</th></tr></thead>
      <tbody>
        {changed.map((t) => (
          <tr class={`change-${t.kind}`} data-change={t.kind} data-key={t.key}>
            <td><span class={`badge ${KIND_LOOK[t.kind][1]}`}>{KIND_LOOK[t.kind][0]}</span></td>
            <td>{t.protocol ?? '—'}</td>
            <td>{t.title} <code class="muted">{t.key}</code>{t.reason && t.kind === 'regressed' ? <div class="bad-text">{t.reason}</div> : null}</td>
            <td>{t.spec.map((id) => <StatementLink s={{ id, protocol: t.protocol }} />)}</td>
            <td>{statusText(t.old ? { status: t.old } : undefined)}</td>
            <td>{statusText(t.new ? { status: t.new } : undefined)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function FindingChanges({ d }: { d: VersionDiff }) {
  if (!d.findings.length) return null;
  return (
    <><h4>Findings</h4><ul class="finding-changes">
      {d.findings.map((f) => (
        <li data-finding-change={f.change}>
          <b class={f.change === 'new' ? 'bad-text' : 'ok-text'}>{f.change === 'new' ? '+ new finding' : '− resolved'}</b>{' '}
          <span class={`sev-${f.finding.severity}`}>{f.finding.severity}</span> {f.finding.title}
          {f.counted ? null : <span class="muted"> (the rig's configuration: not counted)</span>}{' '}
          <span class="muted">tests {f.finding.tests.join(', ')}</span>
        </li>
      ))}
    </ul></>
  );
}

function BenchChanges({ d }: { d: VersionDiff }) {
  if (!d.benchmarks.length) return null;
  return (
    <><h4>Benchmarks</h4><table class="grid bench-deltas">
      <thead><tr><th>scenario</th><th>figure</th><th class="num">old ({d.old.version}) → new ({d.new.version})</th><th>change</th><th>noise band</th></tr></thead>
      <tbody>
        {d.benchmarks.map((b) => {
          const look = BENCH_METRIC_LOOK[b.metric];
          const show = (n: number | undefined) => (n === undefined ? '—' : look ? look.show(n) : String(n));
          return (
            <tr data-scenario={b.scenario} data-metric={b.metric} data-direction={b.direction}>
              <td class="scenario"><b>{b.scenario}</b></td>
              <td>{look?.label ?? b.metric} <span class="muted">({b.higherIsBetter ? 'higher' : 'lower'} is better)</span></td>
              <td class="num"><span class="ab">{show(b.old)} → {show(b.new)}</span></td>
              <td><DeltaView pct={b.pct} direction={b.direction} band={b.band} /></td>
              <td class="muted">±{b.bandPct}% ({b.band})</td>
            </tr>
          );
        })}
      </tbody>
    </table></>
  );
}

/** Every diff, then the statements its changed tests name. */
export function VersionDiffView({ diffs, unpaired = [] }: { diffs: VersionDiff[]; unpaired?: string[] }) {
  const refs = diffs.flatMap((d) => d.tests.filter((t) => t.kind !== 'unchanged').flatMap((t) => t.spec.map((id) => ({ id, protocol: t.protocol }))));
  return (
    <>
      {diffs.map((d) => (
        <div class="version-diff" data-broker={d.broker} data-old={d.old.label} data-new={d.new.label} data-regressed={d.counts.regressed}>
          <h3>{diffTitle(d)}</h3>
          <p class={d.counts.regressed ? 'bad-text' : 'muted'}>{countsText(d)}</p>
          <TestChanges d={d} />
          <FindingChanges d={d} />
          <BenchChanges d={d} />
        </div>
      ))}
      {unpaired.length ? <p class="muted">Not compared: {unpaired.join('; ')}.</p> : null}
      {refs.length ? <><h3>Statements of the changed tests</h3><StatementList refs={refs} /></> : null}
    </>
  );
}

export const hasVersionDiff = (doc: ResultsDocument) => versionDiffsInRun(doc).length > 0;

export function VersionDiffSection({ doc }: { doc: ResultsDocument }) {
  const diffs = versionDiffsInRun(doc);
  if (!diffs.length) return null;
  return (
    <section id="version-diff">
      <h2>Version diff</h2>
      <p class="muted">Each version of a broker against the one before it (numeric order). Regressed: passed → failed, error or a known deviation; fixed: the reverse. Benchmark changes within the noise band read “within noise”.</p>
      <VersionDiffView diffs={diffs} />
    </section>
  );
}
