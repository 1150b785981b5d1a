// Fixture suites for the runner's --suites-dir self-test aid: suite files written into a temp folder
// (never into suites/, which other self-tests run concurrently), importing the real DSL by absolute
// path. Removed when the importing test file finishes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { ROOT } from '../../lib/core/paths.ts';

const made = new Set<string>();
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
  made.clear();
});

/** `import { keyedTest } from ...` for a fixture file, wherever it is written. */
export const KEYED_TEST_IMPORT = `import { keyedTest } from ${JSON.stringify(path.join(ROOT, 'suites/support/keyed-test.ts'))};`;

/** Writes `{ "<suite>/<file>.test.ts": source }` into a new temp folder; returns the folder (for --suites-dir). */
export function fixtureSuites(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-fixture-suites-'));
  made.add(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.join(dir, path.dirname(name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
