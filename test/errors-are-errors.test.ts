// "No false pass": a failed hook, an unhandled rejection or a file that fails to load inside a suite
// makes the affected tests `error` (exit 1), never skipped or passed; when nothing could run at all
// the rig is broken (exit 2). Fixture suites run through the real CLI with --suites-dir, against the
// embedded aedes broker (no binary needed).
import { describe, expect, test } from 'vitest';
import { runHarness } from './support/run-harness.ts';
import { fixtureSuites, KEYED_TEST_IMPORT } from './support/fixture-suites.ts';

const dir = fixtureSuites({
  'hook/before-all.test.ts': `import { beforeAll, describe } from 'vitest';
${KEYED_TEST_IMPORT}
describe('broken setup', () => {
  beforeAll(() => { throw new Error('hook boom: the setup failed'); });
  keyedTest('fixture.hook.first', 'first', {}, () => {});
  keyedTest('fixture.hook.second', 'second', {}, () => {});
});`,
  'rejection/unhandled.test.ts': `${KEYED_TEST_IMPORT}
// Each test checks something (else the checked-nothing guard would make it an error for its own reason).
keyedTest('fixture.rejection.leaks', 'leaks a rejection', {}, async (ctx) => {
  void Promise.reject(new Error('rejected boom'));
  await new Promise((r) => setTimeout(r, 50));
  ctx.expect(1).toBe(1);
});
keyedTest('fixture.rejection.alone', 'passes on its own', {}, async (ctx) => { await new Promise((r) => setTimeout(r, 50)); ctx.expect(1).toBe(1); });`,
  'load/missing-import.test.ts': `import './does-not-exist.ts';`,
});

const run = (suite: string) => runHarness(['--suites-dir', dir, '--suite', suite], { timeoutMs: 90_000 });

describe.concurrent('file-level errors are errors', () => {
  test('a failed beforeAll makes each of its tests an error with the hook\'s message; exit 1', async () => {
    const r = await run('hook');
    expect(r.code, r.stderr).toBe(1);
    const tests = r.results!.tests;
    expect(tests.map((t) => [t.key, t.status])).toEqual([['fixture.hook.first', 'error'], ['fixture.hook.second', 'error']]);
    for (const t of tests) expect(t.detail?.reason).toBe('suite "broken setup" failed: hook boom: the setup failed');
  });

  test('an unhandled rejection inside a file makes its tests errors, though they passed; exit 1', async () => {
    const r = await run('rejection');
    expect(r.code, r.stderr).toBe(1);
    for (const t of r.results!.tests) {
      expect(t.status).toBe('error');
      expect(t.detail?.reason).toMatch(/Unhandled Rejection while the file ran .*rejected boom \(the test itself ended passed\)/);
    }
  });

  test('when every selected file fails to load, the rig is broken: an error result and exit 2', async () => {
    const r = await run('load');
    expect(r.code, r.stderr).toBe(2);
    expect(r.results!.tests.map((t) => [t.key, t.status])).toEqual([['load.missing-import.load', 'error']]);
    expect(r.stderr).toMatch(/every selected suite file failed to load/);
  });
});
