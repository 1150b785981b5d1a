// Statement coverage per target and protocol version: which broker-observable normative statements
// of fixtures/spec/mqtt-<version>.statements.json a test really exercised on that broker. Generic
// over versions: a version without a statement list simply has no coverage record.
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

/**
 * Pure: coverage of one statement list on one target ("on this broker"). A statement is exercised
 * when a test of that target naming it ended passed, failed or expected-failure; a test that ended
 * not-applicable, skipped or error (including one that checked nothing, suites/support/keyed-test.ts)
 * exercised nothing, so its statements stay in `notExercised`.
 */
export function coverageFor(list: StatementList, tests: TestResult[], target: string): CoverageRecord {
  const observable = list.statements.filter((s) => s.observable).map((s) => s.id);
  const checked = new Set(
    tests.filter((t) => t.target === target && t.protocol === list.protocol && COUNTING.includes(t.status)).flatMap((t) => t.spec),
  );
  const exercisedIds = observable.filter((id) => checked.has(id));
  const notExercised = observable.filter((id) => !checked.has(id));
  const percent = observable.length ? Math.round((exercisedIds.length / observable.length) * 1000) / 10 : 0;
  return { target, protocol: list.protocol, observable: observable.length, exercised: exercisedIds.length, percent, exercisedIds, notExercised };
}

/**
 * Coverage for each target and each protocol version it ran tests carrying statement ids for (and
 * that has a statement list), in the order the targets and versions appear.
 */
export function computeCoverage(root: string, tests: TestResult[]): CoverageRecord[] {
  const records: CoverageRecord[] = [];
  const targets = [...new Set(tests.map((t) => t.target))];
  const lists = new Map<ProtocolVersion, StatementList | undefined>();
  for (const target of targets) {
    for (const protocol of PROTOCOL_VERSIONS) {
      const ran = tests.some((t) => t.target === target && t.protocol === protocol && t.spec.length > 0);
      if (!ran) continue;
      if (!lists.has(protocol)) lists.set(protocol, loadStatements(root, protocol));
      const list = lists.get(protocol);
      if (list) records.push(coverageFor(list, tests, target));
    }
  }
  return records;
}

/** How many ids the terminal shows per list; results.json and the HTML report carry all of them. */
export const TERMINAL_LIST_LIMIT = 20;

function idLine(label: string, ids: string[]): string | undefined {
  if (!ids.length) return undefined;
  const shown = ids.slice(0, TERMINAL_LIST_LIMIT);
  const more = ids.length - shown.length;
  return `    ${label}: ${shown.join(' ')}${more > 0 ? ` … and ${more} more (results.json, report)` : ''}`;
}

/**
 * Lines for the terminal summary, per target and protocol: "exercised N of M broker-observable
 * statements (P%)", then the exercised ids and those not exercised on this broker (cut when long).
 */
export function renderCoverage(records: CoverageRecord[] | undefined): string[] {
  if (!records?.length) return [];
  const lines: string[] = ['', 'Statement coverage (exercised = a test checking it ended passed, failed or expected-failure on this broker):'];
  for (const c of records) {
    lines.push(`  ${c.target} MQTT ${c.protocol}: exercised ${c.exercised} of ${c.observable} broker-observable statements (${c.percent}%)`);
    const exercised = idLine('exercised', c.exercisedIds);
    const missing = idLine('not exercised on this broker', c.notExercised);
    if (exercised) lines.push(exercised);
    if (missing) lines.push(missing);
  }
  return lines;
}
