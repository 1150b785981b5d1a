// The conformance matrix as data: rows = tests grouped by suite and area (the test file), columns =
// target × protocol version. Each test result lands in exactly one cell, so the page's counts equal
// results.json's.
import { labelOf, type ResultsDocument, type TestResult } from '../../results/types.ts';

export interface MatrixColumn {
  key: string;
  target: string;
  protocol: string | null;
  brokerVersion?: string;
}

export interface MatrixRow {
  id: string;
  title: string;
  spec: string[];
  /** Column key → results (normally one; duplicates are kept, never dropped). */
  cells: Map<string, { result: TestResult; index: number }[]>;
}

export interface MatrixGroup {
  name: string;
  rows: MatrixRow[];
}

const columnKey = (target: string, protocol: string | null) => `${target}\u0000${protocol ?? ''}`;

/** "conformance/connect › [MQTT-…] title" → area "conformance/connect". */
export function areaOf(t: TestResult): string {
  const first = t.id.split(' › ')[0];
  return first && first !== t.id ? first : t.suite;
}

export function buildMatrix(doc: ResultsDocument): { columns: MatrixColumn[]; groups: MatrixGroup[] } {
  const targetOrder = doc.targets.map(labelOf);
  const rank = (name: string) => (targetOrder.indexOf(name) + 1 || targetOrder.length + 1);
  const columns = new Map<string, MatrixColumn>();
  for (const t of doc.tests) {
    const key = columnKey(t.target, t.protocol);
    if (!columns.has(key)) columns.set(key, { key, target: t.target, protocol: t.protocol, brokerVersion: doc.targets.find((x) => labelOf(x) === t.target)?.brokerVersion });
  }
  const sortedColumns = [...columns.values()].sort((a, b) => rank(a.target) - rank(b.target) || a.target.localeCompare(b.target) || (a.protocol ?? '').localeCompare(b.protocol ?? ''));

  const groups = new Map<string, Map<string, MatrixRow>>();
  doc.tests.forEach((t, index) => {
    const area = areaOf(t);
    const rows = groups.get(area) ?? new Map<string, MatrixRow>();
    groups.set(area, rows);
    const row: MatrixRow = rows.get(t.id) ?? { id: t.id, title: t.title, spec: [], cells: new Map() };
    rows.set(t.id, row);
    for (const s of t.spec ?? []) if (!row.spec.includes(s)) row.spec.push(s);
    const key = columnKey(t.target, t.protocol);
    row.cells.set(key, [...(row.cells.get(key) ?? []), { result: t, index }]);
  });
  return { columns: sortedColumns, groups: [...groups.entries()].map(([name, rows]) => ({ name, rows: [...rows.values()] })) };
}
