// Security-relevant observations, stated plainly, most severe first.
import type { Finding, ResultsDocument } from '../../results/types.ts';

const SEVERITY_ORDER: Finding['severity'][] = ['high', 'medium', 'low', 'info'];
const SEVERITY_ICON: Record<string, string> = { high: '▲▲', medium: '▲', low: '△', info: 'ℹ' };

export function FindingsSection({ doc }: { doc: ResultsDocument }) {
  const findings = [...(doc.findings ?? [])].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
  return (
    <section id="findings">
      <h2>Security findings</h2>
      <table class="grid findings">
        <thead><tr><th>severity</th><th>target</th><th>finding</th><th>tests</th></tr></thead>
        <tbody>
          {findings.map((f) => (
            <tr class={`sev-${f.severity}`}>
              <td><span class={`badge sev-${f.severity}`}>{SEVERITY_ICON[f.severity] ?? ''} {f.severity}</span></td>
              <td><b>{f.target}</b></td>
              <td><b>{f.title}</b><div>{f.detail}</div></td>
              <td>{(f.tests ?? []).map((t) => <div><code>{t}</code></div>)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
