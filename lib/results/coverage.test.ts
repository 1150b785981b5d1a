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

const result = (spec: string[], status: TestResult['status'], protocol: TestResult['protocol'] = '3.1.1', target = 'x'): TestResult =>
  ({ key: `t.${spec.join('-')}`, id: spec.join(), title: 't', suite: 'conformance', spec, protocol, target, status, durationMs: 1 });

describe('coverage', () => {
  test('counts observable statements exercised by tests of this target and protocol', () => {
    const c = coverageFor(list, [result(['MQTT-1.0.0-1', 'MQTT-1.0.0-3'], 'failed'), result(['MQTT-1.0.0-2'], 'passed', '5')], 'x');
    expect(c).toEqual({ target: 'x', protocol: '3.1.1', observable: 2, exercised: 1, percent: 50, exercisedIds: ['MQTT-1.0.0-1'], notExercised: ['MQTT-1.0.0-2'] });
  });

  test('not-applicable, skipped and error exercised nothing', () => {
    for (const status of ['not-applicable', 'skipped', 'error'] as const) {
      expect(coverageFor(list, [result(['MQTT-1.0.0-1'], status)], 'x').exercised).toBe(0);
    }
    expect(coverageFor(list, [result(['MQTT-1.0.0-1'], 'expected-failure')], 'x').exercised).toBe(1);
  });

  test('a statement exercised on one broker is not exercised on another', () => {
    const tests = [result(['MQTT-1.0.0-1'], 'passed', '3.1.1', 'a'), result(['MQTT-1.0.0-1'], 'not-applicable', '3.1.1', 'b')];
    expect(coverageFor(list, tests, 'a').exercisedIds).toEqual(['MQTT-1.0.0-1']);
    expect(coverageFor(list, tests, 'b').notExercised).toEqual(['MQTT-1.0.0-1', 'MQTT-1.0.0-2']);
  });

  test('renders "exercised N of M broker-observable" per target and protocol, with both id lists', () => {
    const lines = renderCoverage([coverageFor(list, [result(['MQTT-1.0.0-1'], 'passed')], 'x')]);
    expect(lines).toContain('  x MQTT 3.1.1: exercised 1 of 2 broker-observable statements (50%)');
    expect(lines).toContain('    exercised: MQTT-1.0.0-1');
    expect(lines).toContain('    not exercised on this broker: MQTT-1.0.0-2');
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
