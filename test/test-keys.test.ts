// The key rules of docs/test-keys.md over every test the suites register (collected, not run; no
// broker): each has a key of the key form, and no key is shared by two different test definitions
// (one definition under both protocols keeps one key and one id).
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { ROOT } from '../lib/core/paths.ts';
import { listRegisteredTests, type RegisteredTest } from '../lib/run/test-registry.ts';
import { keyProblems } from '../lib/run/test-keys.ts';
import { unregisteredKeys } from '../lib/results/unregistered-keys.ts';
import { readExpectationsFile } from '../lib/results/expectations.ts';

let registered: RegisteredTest[];
beforeAll(async () => {
  registered = await listRegisteredTests();
}, 300_000);

describe('test keys (every registered test)', () => {
  test('the registry sees every suite that has test files', () => {
    const suitesDir = path.join(ROOT, 'suites');
    const withTests = fs.readdirSync(suitesDir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => f.split(path.sep)[0]!);
    expect(new Set(registered.map((t) => t.suite))).toEqual(new Set(withTests));
  });

  test('every test has a well-formed key, and no key is shared by two different test definitions', () => {
    const problems = keyProblems(registered, 'definitions');
    const failing = registered
      .map((t, i) => ({ t, problem: problems[i] }))
      .filter(({ problem }) => problem)
      .map(({ t, problem }) => `${t.protocol ? `mqtt ${t.protocol}  ` : ''}${t.id}: ${problem}`);
    expect([...new Set(failing)]).toEqual([]);
  });

  test('every expectation entry and every finding rule names a registered test (with its protocol)', () => {
    const dir = path.join(ROOT, 'fixtures', 'expectations');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => readExpectationsFile(path.join(dir, f)));
    const keys = new Set(registered.map((t) => t.key).filter((k): k is string => Boolean(k)));
    const { expectations, findingKeys } = unregisteredKeys(keys, files);
    expect(expectations.map(({ target, entry }) => `${target}: ${entry.key}`), 'expectation entries that match no registered test').toEqual([]);
    expect(findingKeys, 'finding rules that read no registered test').toEqual([]);
    // An entry for a protocol its test is not registered under also covers nothing.
    const withProtocol = new Set(registered.map((t) => `${t.key} ${t.protocol}`));
    const wrongProtocol = files.flatMap((f) => f.deviations.filter((e) => e.protocol && !withProtocol.has(`${e.key} ${e.protocol}`)).map((e) => `${f.target}: ${e.key} [mqtt ${e.protocol}]`));
    expect(wrongProtocol, 'expectation entries for a protocol their test does not run under').toEqual([]);
  });
});
