// Security-relevant observations, stated plainly, most severe first. Findings that count against a
// target (the broker's, or the operator's for an external broker) come first; the rig's — about
// configuration the harness chose for a broker it manages — are listed apart and not counted.
import type { Finding, ResultsDocument } from '../../results/types.ts';
import { attributionOf } from '../../results/findings.ts';

const SEVERITY_ORDER: Finding['severity'][] = ['high', 'medium', 'low', 'info'];
const SEVERITY_ICON: Record<string, string> = { high: '▲▲', medium: '▲', low: '△', info: 'ℹ' };

function FindingsTable({ findings, rig }: { findings: Finding[]; rig: boolean }) {
  return (
    <table class={`grid findings${rig ? ' rig-findings' : ''}`}>
      <thead><tr><th>severity</th><th>target</th><th>finding</th><th>{rig ? 'why it is the rig\'s' : 'whose'}</th><th>tests</th></tr></thead>
      <tbody>
        {findings.map((f) => (
          <tr class={`sev-${f.severity}`} data-attribution={attributionOf(f)}>
            <td><span class={`badge sev-${f.severity}`}>{SEVERITY_ICON[f.severity] ?? ''} {f.severity}</span></td>
            <td><b>{f.target}</b></td>
            <td><b>{f.title}</b><div>{f.detail}</div></td>
            <td>{rig ? (f.attributionReason ?? 'the harness chose this configuration') : <span title={f.attributionReason}>{attributionOf(f)}</span>}</td>
            <td>{(f.tests ?? []).map((t) => <div><code>{t}</code></div>)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function FindingsSection({ doc }: { doc: ResultsDocument }) {
  const findings = [...(doc.findings ?? [])].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
  const counted = findings.filter((f) => attributionOf(f) !== 'rig');
  const rig = findings.filter((f) => attributionOf(f) === 'rig');
  return (
    <section id="findings">
      <h2>Security findings</h2>
      {counted.length ? <FindingsTable findings={counted} rig={false} /> : <p>None against the targets.</p>}
      {rig.length ? (
        <>
          <h3>Rig findings — not counted</h3>
          <p>Configuration the harness chose for a broker it manages (e.g. a password listener without TLS, so the suites can read the wire). They describe the test rig, not the broker.</p>
          <FindingsTable findings={rig} rig={true} />
        </>
      ) : null}
    </section>
  );
}
