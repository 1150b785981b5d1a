// Statement ids as links to their entry in a statements list on the same page (`#stmt-<protocol>-<id>`:
// the same id names different statements in MQTT 3.1.1 and 5). The summaries come from the
// harness's own statement lists (fixtures/spec), data of the harness version that renders the page,
// not of the run: so a page stays self-contained and needs nothing from the network.
import type { ProtocolVersion } from '../../core/broker.ts';
import { PROTOCOL_VERSIONS } from '../../core/broker.ts';
import { ROOT } from '../../core/paths.ts';
import { loadStatements } from '../../results/coverage.ts';

export interface StatementRef {
  id: string;
  protocol: ProtocolVersion | null;
}

export const statementAnchor = (s: StatementRef) => `stmt-${s.protocol ?? 'any'}-${s.id}`;

let summaries: Map<string, string> | undefined;

function summaryOf(s: StatementRef): string | undefined {
  summaries ??= new Map(PROTOCOL_VERSIONS.flatMap((p) => (loadStatements(ROOT, p)?.statements ?? []).map((x) => [`${p}\u0000${x.id}`, x.summary] as const)));
  if (s.protocol) return summaries.get(`${s.protocol}\u0000${s.id}`);
  return PROTOCOL_VERSIONS.map((p) => summaries!.get(`${p}\u0000${s.id}`)).find(Boolean);
}

export function StatementLink({ s }: { s: StatementRef }) {
  return <a class="spec-link" href={`#${statementAnchor(s)}`}><code class="spec">{s.id}</code></a>;
}

/** The statements the links on a page point at, each once, in the order given. */
export function StatementList({ refs }: { refs: StatementRef[] }) {
  const unique = [...new Map(refs.map((r) => [statementAnchor(r), r])).values()];
  if (!unique.length) return null;
  return (
    <dl class="statements">
      {unique.map((s) => (
        <>
          <dt id={statementAnchor(s)}><code class="spec">{s.id}</code>{s.protocol ? <span class="muted"> MQTT {s.protocol}</span> : null}</dt>
          <dd>{summaryOf(s) ?? <span class="muted">not in the harness's statement list</span>}</dd>
        </>
      ))}
    </dl>
  );
}
