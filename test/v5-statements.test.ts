// The MQTT 5.0 statement list: valid against its schema, unique ids, a reason for every exclusion,
// and every statement id the v5 tests and vectors cite exists in it (a typo would silently miss
// coverage otherwise).
import fs from 'node:fs';
import path from 'node:path';
import { test, expect } from 'vitest';
import { Ajv } from 'ajv';
import { ROOT } from '../lib/core/paths.ts';
import { loadStatements, coverageFor } from '../lib/results/coverage.ts';

const list = loadStatements(ROOT, '5')!;

test('mqtt-5.0.statements.json validates against the statements schema', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'fixtures/schema/statements.schema.json'), 'utf8')) as object;
  const validate = new Ajv({ allErrors: true }).compile(schema);
  expect(validate(list), JSON.stringify(validate.errors)).toBe(true);
});

test('has about 250 unique ids and a reason for every excluded statement', () => {
  const ids = list.statements.map((s) => s.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.length).toBeGreaterThanOrEqual(245);
  for (const s of list.statements.filter((x) => !x.observable)) expect(s.reason, s.id).toBeTruthy();
  for (const s of list.statements.filter((x) => x.binds === 'client')) expect(s.observable, `${s.id} binds clients only`).toBe(false);
});

test('every statement id cited by a v5 test or vector is in the list', () => {
  const known = new Set(list.statements.map((s) => s.id));
  const files = [
    ...fs.readdirSync(path.join(ROOT, 'suites/conformance')).filter((f) => f.startsWith('v5-')).map((f) => path.join(ROOT, 'suites/conformance', f)),
    ...fs.readdirSync(path.join(ROOT, 'fixtures/vectors')).filter((f) => f.startsWith('v5-')).map((f) => path.join(ROOT, 'fixtures/vectors', f)),
  ];
  const cited = new Set(files.flatMap((f) => [...fs.readFileSync(f, 'utf8').matchAll(/'(MQTT-\d[\d.]*-\d+)'|"(MQTT-\d[\d.]*-\d+)"/g)].map((m) => m[1] ?? m[2]!)));
  expect(cited.size).toBeGreaterThan(150);
  expect([...cited].filter((id) => !known.has(id))).toEqual([]);
});

test('coverage counts only statements of protocol 5 from tests that ran', () => {
  const cov = coverageFor(list, [
    { key: 'smoke.a', id: 'a', title: 'a', suite: 'conformance', spec: ['MQTT-3.8.3-3'], protocol: '5', target: 'x', status: 'passed', durationMs: 1 },
    { key: 'smoke.b', id: 'b', title: 'b', suite: 'conformance', spec: ['MQTT-3.3.1-11'], protocol: '5', target: 'x', status: 'not-applicable', durationMs: 1 },
    { key: 'smoke.c', id: 'c', title: 'c', suite: 'conformance', spec: ['MQTT-3.3.2-5'], protocol: '3.1.1', target: 'x', status: 'passed', durationMs: 1 },
  ], 'x');
  expect(cov.exercised).toBe(1);
  expect(cov.observable).toBe(list.statements.filter((s) => s.observable).length);
});
