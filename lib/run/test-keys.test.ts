import { describe, expect, test } from 'vitest';
import { enforceTestKeys, keyProblems, unkeyedPlaceholder, type KeyClaim } from './test-keys.ts';
import type { TestResult } from '../results/types.ts';

const claim = (key: string | undefined, id: string, protocol: KeyClaim['protocol'] = '3.1.1'): KeyClaim => ({ key, id, protocol });

describe('keyProblems', () => {
  test('accepts distinct well-formed keys, and one definition under both protocols', () => {
    expect(keyProblems([
      claim('auth.acl.deny-publish', 'auth/acl › acl › a', '3.1.1'),
      claim('auth.acl.deny-publish', 'auth/acl › acl › a', '5'),
      claim('tls.mutual-tls.foreign-ca', 'tls/mutual-tls › b', null),
    ])).toEqual([undefined, undefined, undefined]);
  });

  test('a missing or ill-formed key is a problem of that test only', () => {
    const problems = keyProblems([claim(undefined, 'a'), claim('', 'b'), claim('Auth.ACL', 'c'), claim('single', 'd'), claim('ok.key', 'e')]);
    expect(problems[0]).toMatch(/declares no key/);
    expect(problems[1]).toMatch(/declares no key/);
    expect(problems[2]).toMatch(/key "Auth\.ACL" is not of the form/);
    expect(problems[3]).toMatch(/key "single" is not of the form/);
    expect(problems[4]).toBeUndefined();
  });

  test('a key shared by two different tests under one protocol names the other test, on both', () => {
    const problems = keyProblems([claim('x.y', 'suite/a › one'), claim('x.y', 'suite/b › two'), claim('x.y', 'suite/c › three', '5')]);
    expect(problems[0]).toBe('test key "x.y" is shared under mqtt 3.1.1 with a different test: "suite/b › two"');
    expect(problems[1]).toBe('test key "x.y" is shared under mqtt 3.1.1 with a different test: "suite/a › one"');
    expect(problems[2]).toBeUndefined(); // alone under mqtt 5: (key, protocol) is unique in a run
  });

  test('among definitions a key names one file; its title may differ per protocol (statement ids in front)', () => {
    const problems = keyProblems([
      claim('x.y', 'suite/a › [MQTT-1] one', '3.1.1'), claim('x.y', 'suite/a › [MQTT-2] one', '5'), claim('x.z', 'suite/a › two', '3.1.1'), claim('x.z', 'suite/c › two', '5'),
    ], 'definitions');
    expect(problems.slice(0, 2)).toEqual([undefined, undefined]);
    expect(problems[2]).toBe('test key "x.z" is also declared in "suite/c"');
    expect(problems[3]).toBe('test key "x.z" is also declared in "suite/a"');
  });
});

describe('enforceTestKeys', () => {
  const result = (id: string, key: string, over: Partial<TestResult> = {}): TestResult => ({
    key, id, title: id, suite: 'smoke', spec: [], protocol: '3.1.1', target: 'aedes', status: 'passed', durationMs: 1, ...over,
  });

  test('keeps keyed results untouched', () => {
    const r = [result('smoke/a › x', 'smoke.a.x')];
    expect(enforceTestKeys(r, ['smoke.a.x'])).toEqual(r);
  });

  test('turns a test without a key, with an ill-formed key, or sharing one into error, keeping its own verdict in the reason', () => {
    const out = enforceTestKeys([
      result('smoke/a › x', unkeyedPlaceholder('smoke/a › x')),
      result('smoke/a › y', 'Bad Key', { status: 'failed', detail: { reason: 'boom', expected: '1' } }),
      result('smoke/a › z', 'smoke.a.same'),
      result('smoke/b › z', 'smoke.a.same', { status: 'not-applicable', detail: { reason: 'no tls' } }),
    ], [undefined, 'Bad Key', 'smoke.a.same', 'smoke.a.same']);
    expect(out.map((r) => r.status)).toEqual(['error', 'error', 'error', 'error']);
    expect(out[0]!.key).toBe('(no key) smoke/a › x');
    expect(out[0]!.detail!.reason).toBe('test declares no key (docs/test-keys.md) (the test itself ended passed)');
    expect(out[1]!.detail).toEqual({ reason: expect.stringMatching(/^test key "Bad Key" is not of the form .* \(the test itself ended failed: boom\)$/), expected: '1' });
    expect(out[2]!.detail!.reason).toBe('test key "smoke.a.same" is shared under mqtt 3.1.1 with a different test: "smoke/b › z" (the test itself ended passed)');
    expect(out[3]!.detail!.reason).toMatch(/with a different test: "smoke\/a › z" \(the test itself ended not-applicable: no tls\)$/);
  });
});
