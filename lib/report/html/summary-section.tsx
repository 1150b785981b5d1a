// Verdict, targets, machine, duration, counts per status and statement coverage per target and protocol.
import type { ResultsDocument } from '../../results/types.ts';
import { labelOf, TEST_STATUSES } from '../../results/types.ts';
import { EXIT_MEANING, STATUS_LOOK, fmtBytes, fmtDuration, fmtPercent } from './format.ts';

export function SummarySection({ doc }: { doc: ResultsDocument }) {
  const { run } = doc;
  const ok = run.exitCode === 0;
  const durationMs = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
  return (
    <section id="summary">
      <div class={`verdict ${ok ? 'ok' : 'bad'}`} data-exit-code={run.exitCode}>
        <span class="verdict-word">{ok ? '✓ PASSED' : '✗ FAILED'}</span>
        <span>exit code {run.exitCode}: {EXIT_MEANING[run.exitCode] ?? 'unknown exit code'}</span>
      </div>
      <div class="counts" aria-label="tests per status">
        {TEST_STATUSES.map((s) => {
          const n = doc.tests.filter((t) => t.status === s).length;
          return (
            <span class={`count st-${s}${n ? '' : ' zero'}`} data-count-status={s} data-count={n}>
              <b>{STATUS_LOOK[s].icon} {n}</b> {s}
            </span>
          );
        })}
      </div>
      <dl class="facts">
        <dt>run</dt><dd><code>{run.id}</code></dd>
        <dt>started</dt><dd>{run.startedAt}</dd>
        <dt>duration</dt><dd>{fmtDuration(durationMs)}</dd>
        <dt>command</dt><dd><code>{['npm test --', ...run.command].join(' ')}</code></dd>
        <dt>machine</dt><dd>{run.machine.cpus} × {run.machine.cpuModel}, {fmtBytes(run.machine.memoryBytes)}, {run.machine.os}, Node {run.machine.node}</dd>
        <dt>harness</dt><dd>{run.harnessVersion}</dd>
      </dl>
      <h3>Targets</h3>
      <table class="grid">
        <thead><tr><th>target</th><th>broker version</th><th>driver</th><th>image</th><th>listeners</th><th>tests</th></tr></thead>
        <tbody>
          {doc.targets.map((t) => (
            <tr>
              <td><b>{t.name}</b></td>
              <td>{t.startError ? <span class="bad-text">✗ did not start</span> : t.brokerVersion}</td>
              <td>{t.driver}</td>
              <td>{t.image ? <code>{t.image}</code> : '—'}</td>
              <td class="listeners">
                {Object.entries(t.listeners ?? {}).map(([name, url]) => <div><b>{name}</b> <code>{url}</code></div>)}
                {Object.entries(t.missingListeners ?? {}).map(([name, why]) => <div class="muted">{name}: not available ({why})</div>)}
                {t.startError ? <div class="bad-text">{t.startError}</div> : null}
              </td>
              <td>{doc.tests.filter((x) => x.target === labelOf(t)).length}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {doc.coverage?.length ? <Coverage doc={doc} /> : null}
    </section>
  );
}

function Coverage({ doc }: { doc: ResultsDocument }) {
  return (
    <>
      <h3>Statement coverage</h3>
      <p class="muted">Per broker and MQTT version: broker-observable normative statements exercised on that broker, i.e. checked by a test that ended passed, failed or expected-failure there (not-applicable, skipped and error exercised nothing).</p>
      <div class="coverage">
        {doc.coverage!.map((c) => (
          <div class="coverage-row" data-coverage-target={c.target} data-coverage-protocol={c.protocol}>
            <span class="coverage-label">{c.target === '*' ? 'all targets' : c.target} · MQTT {c.protocol}</span>
            <span class="meter" role="img" aria-label={`${fmtPercent(c.percent)} exercised`}><span style={`width:${Math.max(0, Math.min(100, c.percent ?? 0))}%`} /></span>
            <span><b>{fmtPercent(c.percent)}</b> — exercised {c.exercised} of {c.observable} broker-observable</span>
            <span>
              {c.exercisedIds?.length ? <details><summary>{c.exercisedIds.length} exercised</summary><p class="spec-list">{c.exercisedIds.join(' · ')}</p></details> : null}
              {c.notExercised?.length ? <details><summary>{c.notExercised.length} not exercised on this broker</summary><p class="spec-list">{c.notExercised.join(' · ')}</p></details> : null}
            </span>
          </div>
        ))}
      </div>
    </>
  );
}
