// Statement coverage per protocol version: which broker-observable normative statements of
// fixtures/spec/mqtt-<version>.statements.json were checked by a test that ran. Generic over
// versions: a version without a statement list simply has no coverage record.
import fs from 'node:fs';
import path from 'node:path';
import { PROTOCOL_VERSIONS, type ProtocolVersion } from '../core/broker.ts';
import type { CoverageRecord, TestResult, TestStatus } from './types.ts';

export interface Statement {
  id: string;
  summary: string;
  binds: 'server' | 'client' | 'both';
  observable: boolean;
  reason?: string;
}

export interface StatementList {
  protocol: ProtocolVersion;
  source: string;
  statements: Statement[];
}

/** A test that ran to a verdict about the broker counts; skipped / not-applicable / error do not. */
const COUNTING: readonly TestStatus[] = ['passed', 'failed', 'expected-failure'];

export function statementsPath(root: string, protocol: ProtocolVersion): string {
  // The MQTT 5 list is named for the specification's own version string, "5.0".
  return path.join(root, 'fixtures', 'spec', `mqtt-${protocol === '5' ? '5.0' : protocol}.statements.json`);
}

export function loadStatements(root: string, protocol: ProtocolVersion): StatementList | undefined {
  const file = statementsPath(root, protocol);
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as StatementList;
}

/** Pure: coverage of one statement list by the given test results (any targets). */
export function coverageFor(list: StatementList, tests: TestResult[]): CoverageRecord {
  const observable = list.statements.filter((s) => s.observable).map((s) => s.id);
  const checked = new Set(
    tests.filter((t) => t.protocol === list.protocol && COUNTING.includes(t.status)).flatMap((t) => t.spec),
  );
  const untested = observable.filter((id) => !checked.has(id));
  const tested = observable.length - untested.length;
  const percent = observable.length ? Math.round((tested / observable.length) * 1000) / 10 : 0;
  return { protocol: list.protocol, observable: observable.length, tested, percent, untested };
}

/** Coverage for each protocol version that ran tests carrying statement ids and has a statement list. */
export function computeCoverage(root: string, tests: TestResult[]): CoverageRecord[] {
  const records: CoverageRecord[] = [];
  for (const protocol of PROTOCOL_VERSIONS) {
    const ran = tests.some((t) => t.protocol === protocol && t.spec.length > 0);
    if (!ran) continue;
    const list = loadStatements(root, protocol);
    if (list) records.push(coverageFor(list, tests));
  }
  return records;
}

/** Lines for the terminal summary: "N of M broker-observable statements tested (P%)" + untested ids. */
export function renderCoverage(records: CoverageRecord[] | undefined): string[] {
  if (!records?.length) return [];
  const lines: string[] = [''];
  for (const c of records) {
    lines.push(`MQTT ${c.protocol}: ${c.tested} of ${c.observable} broker-observable statements tested (${c.percent}%)`);
    // Long lists are cut in the terminal; results.json and the HTML page carry all of them.
    const shown = c.untested.slice(0, 20);
    const more = c.untested.length - shown.length;
    if (c.untested.length) lines.push(`  untested: ${shown.join(' ')}${more > 0 ? ` … and ${more} more (results.json)` : ''}`);
  }
  return lines;
}
