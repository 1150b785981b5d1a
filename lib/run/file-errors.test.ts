// fileErrorsFor over real vitest results: fixture files with a failing beforeAll, an uncaught
// exception and an import error are run through vitest's Node API in a temp directory.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createVitest, type TestModule } from 'vitest/node';
import { ROOT } from '../core/paths.ts';
import { fileErrorsFor, strayErrors, type UnhandledError } from './file-errors.ts';

const FIXTURES: Record<string, string> = {
  'hook.test.ts': `import { describe, beforeAll, test } from 'vitest';
describe('d', () => {
  beforeAll(() => { throw new Error('hook boom'); });
  test('a', () => {});
  test('b', () => {});
});
test('outside', () => {});`,
  'uncaught.test.ts': `import { test } from 'vitest';
test('x', () => { setTimeout(() => { throw new Error('late boom'); }, 1); });
// y keeps the file running while x's timer throws (the fixture needs the error raised mid-file, not a check).
test('y', async () => { await new Promise((r) => setTimeout(r, 100)); });`,
  'import.test.ts': `import { test } from 'vitest';
import './does-not-exist.ts';
test('never', () => {});`,
  'clean.test.ts': `import { test } from 'vitest';
test('fine', () => {});`,
};

let dir: string;
let modules: readonly TestModule[] = [];
const unhandled: UnhandledError[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'file-errors-'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  for (const [name, text] of Object.entries(FIXTURES)) fs.writeFileSync(path.join(dir, name), text);
  const vitest = await createVitest('test', {
    root: dir, config: false, include: ['*.test.ts'], watch: false,
    reporters: [{ onTestRunEnd(m, errors) { modules = m; unhandled.push(...(errors as unknown as UnhandledError[])); } }],
  }, undefined, { stdout: new (await import('node:stream')).PassThrough(), stderr: new (await import('node:stream')).PassThrough() });
  try { await vitest.start([]); } finally { await vitest.close(); }
  process.exitCode = 0; // the fixtures fail on purpose
}, 60_000);
afterAll(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

const mod = (name: string) => modules.find((m) => m.moduleId.endsWith(`/${name}`))!;
const reasons = (name: string) => Object.fromEntries([...fileErrorsFor(mod(name), unhandled)].map(([t, r]) => [t.name, r]));

describe('fileErrorsFor', () => {
  test('a failed beforeAll makes each test of its suite an error, not a skip; tests outside stay', () => {
    expect(reasons('hook.test.ts')).toEqual({ a: 'suite "d" failed: hook boom', b: 'suite "d" failed: hook boom' });
  });
  test('an uncaught exception while a file ran makes every test of the file an error', () => {
    const r = reasons('uncaught.test.ts');
    expect(Object.keys(r).sort()).toEqual(['x', 'y']);
    expect(r.x).toMatch(/late boom/);
  });
  test('a file that fails to import is a module error (no tests collected)', () => {
    expect(mod('import.test.ts').errors()[0]?.message).toMatch(/does-not-exist/);
  });
  test('a clean file has none, and no unhandled error is stray', () => {
    expect(reasons('clean.test.ts')).toEqual({});
    expect(strayErrors(modules, unhandled)).toEqual([]);
  });
});
