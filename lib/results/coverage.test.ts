import { describe, expect, test } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { ROOT } from '../core/paths.ts';
import { coverageFor, loadStatements, renderCoverage, type StatementList } from './coverage.ts';
import type { TestResult } from './types.ts';

const list: StatementList = {
  protocol: '3.1.1',
  source: 'test',
  statements: [
    { id: 'MQTT-1.0.0-1', summary: 'server thing one', binds: 'server', observable: true },
    { id: 'MQTT-1.0.0-2', summary: 'server thing two', binds: 'server', observable: true },
    { id: 'MQTT-1.0.0-3', summary: 'client only thing', binds: 'client', observable: false, reason: 'binds the client only' },
  ],
};

const result = (spec: string[], status: TestResult['status'], protocol: TestResult['protocol'] = '3.1.1'): TestResult =>
  ({ key: `t.${spec.join('-')}`, id: spec.join(), title: 't', suite: 'conformance', spec, protocol, target: 'x', status, durationMs: 1 });

describe('coverage', () => {
  test('counts observable statements checked by tests that ran, per protocol', () => {
    const c = coverageFor(list, [result(['MQTT-1.0.0-1', 'MQTT-1.0.0-3'], 'failed'), result(['MQTT-1.0.0-2'], 'passed', '5')]);
    expect(c).toEqual({ protocol: '3.1.1', observable: 2, tested: 1, percent: 50, untested: ['MQTT-1.0.0-2'] });
  });

  test('not-applicable, skipped and error do not count as tested', () => {
    for (const status of ['not-applicable', 'skipped', 'error'] as const) {
      expect(coverageFor(list, [result(['MQTT-1.0.0-1'], status)]).tested).toBe(0);
    }
    expect(coverageFor(list, [result(['MQTT-1.0.0-1'], 'expected-failure')]).tested).toBe(1);
  });

  test('renders "N of M broker-observable statements tested (P%)" and the untested ids', () => {
    const lines = renderCoverage([coverageFor(list, [result(['MQTT-1.0.0-1'], 'passed')])]);
    expect(lines).toContain('MQTT 3.1.1: 1 of 2 broker-observable statements tested (50%)');
    expect(lines).toContain('  untested: MQTT-1.0.0-2');
  });

  test('the 3.1.1 statement list validates, has unique ids and a reason for every exclusion', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'fixtures/schema/statements.schema.json'), 'utf8'));
    const doc = loadStatements(ROOT, '3.1.1')!;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    const ids = doc.statements.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(141);
    for (const s of doc.statements.filter((x) => !x.observable)) expect(s.reason, s.id).toBeTruthy();
    for (const s of doc.statements.filter((x) => x.binds === 'client')) expect(s.observable, s.id).toBe(false);
  });
});
