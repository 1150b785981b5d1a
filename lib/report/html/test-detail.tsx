// The detail of one test result, opened from its matrix cell: its key (what expectations name),
// expected vs actual, the behaviour the broker chose, the spec statements, the known-deviation
// entry, and the broker log excerpt.
import type { TestResult } from '../../results/types.ts';
import { STATUS_LOOK, clip, fmtDuration } from './format.ts';

export const detailId = (index: number) => `t-${index}`;

export function hasDetail(t: TestResult): boolean {
  const d = t.detail;
  return !!d && !!(d.reason || d.expected !== undefined || d.actual !== undefined || d.behaviour || d.brokerLog || d.expectation || d.measured || d.tolerated);
}

/** Distinct broker log excerpts, in first-seen order. */
export function logPool(tests: TestResult[]): Map<string, string> {
  const pool = new Map<string, string>();
  for (const t of tests) if (t.detail?.brokerLog && !pool.has(t.detail.brokerLog)) pool.set(t.detail.brokerLog, `log-${pool.size}`);
  return pool;
}

export function LogPool({ logs }: { logs: Map<string, string> }) {
  if (!logs.size) return null;
  return <div id="log-pool" hidden>{[...logs].map(([text, id]) => <pre id={id}>{clip(text)}</pre>)}</div>;
}

/** Shared by every result without detail; client-script.ts copies the cell's texts into it. */
export function BareDetailDialog() {
  return (
    <dialog id="bare-detail" class="detail" aria-labelledby="bare-detail-h">
      <form method="dialog" class="close-form"><button class="close" aria-label="close">✕ close</button></form>
      <h3 id="bare-detail-h" data-slot="title"></h3>
      <p class="detail-meta" data-slot="meta"></p>
      <p class="muted">test id <code data-slot="id"></code></p>
      <p data-slot="spec"></p>
      <p class="muted">No further detail recorded.</p>
    </dialog>
  );
}

export function TestDetailDialog({ test, index, logs }: { test: TestResult; index: number; logs: Map<string, string> }) {
  const d = test.detail ?? {};
  const look = STATUS_LOOK[test.status] ?? { icon: '?', word: String(test.status) };
  return (
    <dialog id={detailId(index)} class="detail" aria-labelledby={`${detailId(index)}-h`}>
      <form method="dialog" class="close-form"><button class="close" aria-label="close">✕ close</button></form>
      <h3 id={`${detailId(index)}-h`}>{test.title}</h3>
      <p class="detail-meta">
        <span class={`badge st-${test.status}`}>{look.icon} {test.status}</span>
        {' '}<b>{test.target}</b>{test.protocol ? ` · MQTT ${test.protocol}` : ''} · {fmtDuration(test.durationMs)}
      </p>
      <p class="muted">test key <code class="test-key">{test.key}</code> · id <code>{test.id}</code></p>
      {test.spec?.length ? <p>Statements: {test.spec.map((s) => <code class="spec">{s}</code>)}</p> : null}
      {d.reason ? <p class="reason">{d.reason}</p> : null}
      {d.expected !== undefined || d.actual !== undefined ? (
        <div class="expect-actual">
          <div><h4>expected</h4><pre>{d.expected ?? '—'}</pre></div>
          <div><h4>actual</h4><pre>{d.actual ?? '—'}</pre></div>
        </div>
      ) : null}
      {d.behaviour ? <p><b>Behaviour the broker chose:</b> {d.behaviour}</p> : null}
      {d.measured ? <p data-measured-ms={d.measured.valueMs}><b>Measured:</b> {d.measured.what} {d.measured.valueMs} ms; specification {d.measured.bound === 'at-most' ? '≤' : '≥'} {d.measured.specMs} ms{d.measured.toleratedMs !== undefined ? `, tolerated ${d.measured.bound === 'at-most' ? '≤' : '≥'} ${d.measured.toleratedMs} ms` : ''}; applied {d.measured.appliedMs} ms</p> : null}
      {d.tolerated ? <p class="warn-text"><b>Tolerated:</b> {d.tolerated}</p> : null}
      {d.expectation ? (
        <p class={d.expectation.stale ? 'stale' : 'known'}>
          <b>{d.expectation.stale ? 'Listed as a known deviation, but passed now (prune the expectations file):' : 'Known deviation:'}</b>{' '}
          {d.expectation.reason}{d.expectation.brokerVersions ? ` (broker versions ${d.expectation.brokerVersions})` : ''}{d.expectation.differentFailure ? ` — not met: ${d.expectation.differentFailure}` : ''}
        </p>
      ) : null}
      {d.brokerLog ? <><h4>Broker log excerpt</h4><pre class="log" data-log={logs.get(d.brokerLog)}></pre></> : null}
    </dialog>
  );
}
