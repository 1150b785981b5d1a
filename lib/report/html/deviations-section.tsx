// The known deviations (fixtures/expectations/<target>.json) that this run consulted, with reasons:
// applied (the failure expected), not met (the test failed otherwise and stays failed), and stale
// entries whose test passes now.
import type { ResultsDocument } from '../../results/types.ts';

/** The tests this run judged by an expectations entry. */
export function appliedDeviations(doc: ResultsDocument) {
  return doc.tests.filter((t) => t.detail?.expectation);
}

export function DeviationsSection({ doc }: { doc: ResultsDocument }) {
  const applied = appliedDeviations(doc);
  return (
    <section id="deviations">
      <h2>Known deviations</h2>
      <p class="muted">Failures listed in <code>fixtures/expectations/&lt;target&gt;.json</code> count as expected failures, and do not fail the run, only when the broker's version is in the entry's range and the test fails the way the entry expects.</p>
      <table class="grid">
        <thead><tr><th>target</th><th>protocol</th><th>test</th><th>reason</th><th>state</th></tr></thead>
        <tbody>
          {applied.map((t) => {
            const e = t.detail!.expectation!;
            return (
              <tr>
                <td><b>{t.target}</b></td>
                <td>{t.protocol ?? '—'}</td>
                <td>{t.title}{t.spec?.length ? <div>{t.spec.map((s) => <code class="spec">{s}</code>)}</div> : null}</td>
                <td>{e.reason}<div class="muted">{e.brokerVersions ? `broker versions ${e.brokerVersions}` : ''}{e.failure ? ` · expects ${e.failure}` : ''}</div></td>
                <td>{e.stale ? <span class="warn-text">⚠ stale: passes now, prune the entry</span>
                  : e.differentFailure ? <span class="warn-text">✖ not met: {e.differentFailure}</span>
                  : <span>≈ applied</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
