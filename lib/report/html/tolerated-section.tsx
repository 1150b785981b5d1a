// Results a default run passed only by a stated tolerance beyond the specification (a timing the
// specification does not allow, within the test's slack): shown next to the known deviations, so a
// pass that needed slack is visible. --strict fails these.
import type { ResultsDocument } from '../../results/types.ts';

/** Passed results that carry a `tolerated` note. */
export function toleratedResults(doc: ResultsDocument) {
  return doc.tests.filter((t) => t.detail?.tolerated);
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

export function ToleratedSection({ doc }: { doc: ResultsDocument }) {
  const tolerated = toleratedResults(doc);
  return (
    <section id="tolerated">
      <h2>Tolerated</h2>
      <p class="muted">Passed only because the default run tolerates more than the specification allows (timer ticks, a shared machine). <code>--strict</code> applies the specification&apos;s bound and fails them.</p>
      <table class="grid">
        <thead><tr><th>target</th><th>protocol</th><th>test</th><th>measured</th><th>specification</th><th>tolerated</th><th>note</th></tr></thead>
        <tbody>
          {tolerated.map((t) => {
            const m = t.detail!.measured;
            return (
              <tr data-tolerated-key={t.key}>
                <td><b>{t.target}</b></td>
                <td>{t.protocol ?? '—'}</td>
                <td>{t.title}{t.spec?.length ? <div>{t.spec.map((s) => <code class="spec">{s}</code>)}</div> : null}</td>
                <td class="num">{m ? `${m.what}: ${seconds(m.valueMs)}` : '—'}</td>
                <td class="num">{m ? `${m.bound === 'at-most' ? '≤' : '≥'} ${seconds(m.specMs)}` : '—'}</td>
                <td class="num">{m?.toleratedMs !== undefined ? `${m.bound === 'at-most' ? '≤' : '≥'} ${seconds(m.toleratedMs)}` : '—'}</td>
                <td>{t.detail!.tolerated}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
