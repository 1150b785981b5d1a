// The conformance matrix with a status filter, a search box and click-to-detail (see client-script.ts).
import type { ResultsDocument, TestStatus } from '../../results/types.ts';
import { TEST_STATUSES } from '../../results/types.ts';
import { PAGE_BUDGET_MB, STATUS_LOOK } from './format.ts';
import { buildMatrix, type MatrixColumn, type MatrixRow } from './matrix-model.ts';
import { BareDetailDialog, LogPool, TestDetailDialog, detailId, hasDetail, logPool } from './test-detail.tsx';

/** Statuses whose detail is always written out; in compact mode the others show only their cell's title. */
const ALWAYS_DETAILED: TestStatus[] = ['failed', 'error', 'expected-failure'];

export function MatrixSection({ doc, compact = false }: { doc: ResultsDocument; compact?: boolean }) {
  const { columns, groups } = buildMatrix(doc);
  const totalRows = groups.reduce((n, g) => n + g.rows.length, 0);
  const logs = logPool(doc.tests);
  return (
    <section id="matrix">
      <h2>Conformance matrix</h2>
      <div class="filters" role="search">
        <span class="filter-label">show</span>
        {TEST_STATUSES.map((s) => {
          const n = doc.tests.filter((t) => t.status === s).length;
          return (
            <label class={`chip st-${s}${n ? '' : ' zero'}`}>
              <input type="checkbox" data-filter-status={s} checked /> {STATUS_LOOK[s].icon} {s} <span class="muted">({n})</span>
            </label>
          );
        })}
        <input id="matrix-search" type="search" placeholder="search test name or statement id (e.g. MQTT-3.1.3-8)" aria-label="search tests" />
        <span id="matrix-shown" class="muted" data-total={totalRows}>{totalRows} of {totalRows} tests</span>
      </div>
      <div class="matrix-wrap">
        <table class="matrix">
          <thead>
            <tr>
              <th class="test-col">test</th>
              {columns.map((c) => <th class="target-col"><b>{c.target}</b><br /><span class="muted">{c.protocol ? `MQTT ${c.protocol}` : 'no protocol'}</span></th>)}
            </tr>
          </thead>
          {groups.map((g) => (
            <tbody class="group" data-group={g.name}>
              <tr class="group-row"><th colSpan={columns.length + 1}>{g.name.replace(/\//g, ' / ')} <span class="muted">({g.rows.length})</span></th></tr>
              {g.rows.map((row) => <Row row={row} columns={columns} />)}
            </tbody>
          ))}
        </table>
      </div>
      <p id="matrix-empty" class="muted" hidden>No test matches the filter.</p>
      {compact ? <p class="muted">This run is large: to keep the page under {PAGE_BUDGET_MB} MB, only failures, errors and known deviations have a detail view; the reasons of the others are in each cell's tooltip and in results.json.</p> : null}
      {doc.tests.map((t, i) => (hasDetail(t) && (!compact || ALWAYS_DETAILED.includes(t.status)) ? <TestDetailDialog test={t} index={i} logs={logs} /> : null))}
      <BareDetailDialog />
      <LogPool logs={logs} />
    </section>
  );
}

function Row({ row, columns }: { row: MatrixRow; columns: MatrixColumn[] }) {
  const statuses = new Set<TestStatus>();
  for (const results of row.cells.values()) for (const r of results) statuses.add(r.result.status);
  // The script builds its search text from data-id, the title and data-spec.
  return (
    <tr class="test-row" data-statuses={[...statuses].join(' ')} data-id={row.id} data-spec={row.spec.join(' ')}>
      <td class="test-name">
        <span class="title">{row.title}</span>
        {/* Statement ids the title does not already start with (search and the detail use all of them). */}
        {row.spec.some((s) => !row.title.includes(s)) ? <div class="spec-line">{row.spec.filter((s) => !row.title.includes(s)).map((s) => <code class="spec">{s}</code>)}</div> : null}
      </td>
      {columns.map((c) => {
        const results = row.cells.get(c.key);
        if (!results?.length) return <td class="cell-none" title="not run for this target and protocol"><span class="muted">·</span></td>;
        return (
          <td class="cell-td">
            {results.map(({ result, index }) => {
              const look = STATUS_LOOK[result.status] ?? { icon: '?', word: String(result.status) };
              return (
                <button class={`cell st-${result.status}`} data-status={result.status} data-detail={detailId(index)}
                  title={`${result.target}${result.protocol ? ` MQTT ${result.protocol}` : ''}: ${result.status}${result.detail?.reason ? ` — ${result.detail.reason}` : ''}`}>
                  {look.icon} {look.word}
                </button>
              );
            })}
          </td>
        );
      })}
    </tr>
  );
}
