// The fuzz runs of this report (suites/fuzz): per target and protocol what was exercised (fuzzed
// packets, sessions, rate beside the machine's load average, seed, response kinds, canary checks,
// broker RSS), and every finding with its statement, time to find and minimized reproducer.
import type { ResultsDocument } from '../../results/types.ts';

export function fuzzResults(doc: ResultsDocument) {
  return doc.tests.filter((t) => t.detail?.fuzz);
}

const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;

export function FuzzSection({ doc }: { doc: ResultsDocument }) {
  const runs = fuzzResults(doc);
  return (
    <section id="fuzz">
      <h2>Fuzz</h2>
      <p class="muted">An iteration is one fuzzed packet written to an open connection and judged with its session&apos;s responses. The same seed on the same broker replays the same inputs. Rates on a shared machine are lower than on an idle one: the load average is shown beside them.</p>
      <table class="grid">
        <thead><tr><th>target</th><th>protocol</th><th>status</th><th>iterations</th><th>sessions</th><th>per second</th><th>load avg</th><th>seed</th><th>response kinds</th><th>canary checks</th><th>broker RSS</th><th>stopped by</th><th>findings</th></tr></thead>
        <tbody>
          {runs.map((t) => {
            const f = t.detail!.fuzz!;
            return (
              <tr data-fuzz-key={t.key}>
                <td><b>{t.target}</b></td>
                <td>{t.protocol ?? '—'}</td>
                <td>{t.status}</td>
                <td class="num">{f.iterations}</td>
                <td class="num">{f.sessions}</td>
                <td class="num">{f.iterationsPerSec}</td>
                <td class="num">{f.loadAverage}</td>
                <td class="num">{f.seed}</td>
                <td class="num">{f.responseKinds}</td>
                <td class="num">{f.canaryChecks}</td>
                <td class="num">{f.rssKb ? `${mb(f.rssKb.first)} → ${mb(f.rssKb.last)} (max ${mb(f.rssKb.max)})` : 'not measured'}</td>
                <td>{f.stoppedBy}</td>
                <td class="num">{f.findings.length}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {runs.some((t) => t.detail!.fuzz!.findings.length) ? (
        <table class="grid">
          <thead><tr><th>target</th><th>protocol</th><th>finding</th><th>statement</th><th>found after</th><th>reproducer</th><th>vector file</th></tr></thead>
          <tbody>
            {runs.flatMap((t) => t.detail!.fuzz!.findings.map((x) => (
              <tr data-fuzz-finding={x.kind}>
                <td><b>{t.target}</b></td>
                <td>{t.protocol ?? '—'}</td>
                <td>{x.kind}: {x.problem.split('\n')[0]}</td>
                <td>{x.statement ? <code class="spec">{x.statement}</code> : '—'}</td>
                <td class="num">{`${(x.foundAfterMs / 1000).toFixed(1)} s, iteration ${x.iteration}`}</td>
                <td>{`${x.reproducerBytes} bytes${x.minimized ? ', minimized' : ', not minimized'}`}<div><code>{x.reproducerHex.length > 400 ? `${x.reproducerHex.slice(0, 400)}…` : x.reproducerHex}</code></div></td>
                <td>{t.detail!.fuzz!.reproducerFiles.map((p) => <div><code>{p}</code></div>)}</td>
              </tr>
            )))}
          </tbody>
        </table>
      ) : <p>No findings.</p>}
      <DifferentialTables doc={doc} />
    </section>
  );
}

/** Differential mode (several targets): per protocol, the differences on one-answer statements and the allowed ones. */
function DifferentialTables({ doc }: { doc: ResultsDocument }) {
  return (
    <>
      {(doc.fuzzDifferential ?? []).map((d) => (
        <div data-fuzz-differential={d.protocol}>
          <h3>{`Differential, MQTT ${d.protocol}: ${d.targets.join(' vs ')}`}</h3>
          <p class="muted">{`Seed ${d.seed}; ${d.compared} inputs every target played, ${d.oneAnswer} of them allow one answer (a CONNECT that must be closed). A difference there is a finding against the target that answered otherwise.`}</p>
          {d.findingCounts.length ? <ul>{d.findingCounts.map((c) => <li><code class="spec">{c.statement}</code>{`: ${c.count} input(s) where ${c.deviating} did not close`}</li>)}</ul> : null}
          {d.findings.length ? (
            <table class="grid">
              <thead><tr><th>statement</th><th>input</th><th>answers</th><th>deviating</th><th>CONNECT</th></tr></thead>
              <tbody>
                {d.findings.map((f) => (
                  <tr data-differential-finding={f.statement}>
                    <td><code class="spec">{f.statement}</code></td>
                    <td class="num">{f.input}</td>
                    <td>{Object.entries(f.answers).map(([t, a]) => <div>{`${t}: ${a}`}</div>)}</td>
                    <td><b>{f.deviating.join(', ')}</b></td>
                    <td><code>{f.reproducerHex}</code></td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : <p>No difference on an input that allows one answer.</p>}
          {d.informational.length ? (
            <table class="grid">
              <thead><tr><th>informational: why several answers are allowed</th><th>inputs</th><th>example</th></tr></thead>
              <tbody>
                {d.informational.map((x) => (
                  <tr>
                    <td>{x.reason}</td>
                    <td class="num">{x.count}</td>
                    <td>{x.examples[0] ? Object.entries(x.examples[0].answers).map(([t, a]) => <div>{`input ${x.examples[0]!.input}, ${t}: ${a}`}</div>) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </div>
      ))}
    </>
  );
}
