// Errors vitest reports outside a test's own result: a failed beforeAll/afterAll (its tests end
// "skipped"), a file that failed to import, an uncaught exception or unhandled rejection raised
// while the file ran. None of these may turn into a skip or a pass: every test they affect is an
// error, with the message (issue "No false pass"). Used by the harness runner and the self-test runner.
import type { TestCase, TestModule } from 'vitest/node';

/** The shape of vitest's serialized unhandled error (it names the file that was running). */
export interface UnhandledError {
  message?: string;
  name?: string;
  type?: string;
  VITEST_TEST_PATH?: string;
  VITEST_TEST_NAME?: string;
}

const firstLine = (s: string | undefined): string => (s ?? 'unknown error').split('\n')[0]!;

/** The error of the nearest enclosing suite (or the module) whose hooks or collection failed. */
export function enclosingError(test: TestCase): string | undefined {
  let parent: TestCase['parent'] | TestModule = test.parent;
  for (;;) {
    const err = parent.errors()[0];
    if (err) return `${parent.type === 'module' ? 'file' : `suite "${parent.name}"`} failed: ${firstLine(err.message)}`;
    if (parent.type === 'module') return undefined;
    parent = parent.parent;
  }
}

/**
 * For each test of a module, the reason it must count as an error although its own result may say
 * passed or skipped; tests not in the map are judged by their own result.
 */
export function fileErrorsFor(module: TestModule, unhandled: readonly UnhandledError[]): Map<TestCase, string> {
  const out = new Map<TestCase, string>();
  const inFile = unhandled.filter((e) => e.VITEST_TEST_PATH === module.moduleId);
  const fileReason = inFile.length
    ? `${inFile[0]!.type ?? 'unhandled error'} while the file ran${inFile[0]!.VITEST_TEST_NAME ? ` (during "${inFile[0]!.VITEST_TEST_NAME}")` : ''}: ${firstLine(inFile[0]!.message)}`
    : undefined;
  for (const test of module.children.allTests()) {
    if (test.options.mode !== 'run') continue; // filtered out or declared skip: not affected
    const hook = enclosingError(test);
    const state = test.result().state;
    if (hook && state !== 'failed') out.set(test, hook);
    else if (fileReason && state !== 'failed') out.set(test, fileReason);
  }
  return out;
}

/** Unhandled errors that no module claims (raised outside any file): the rig broke. */
export function strayErrors(modules: readonly TestModule[], unhandled: readonly UnhandledError[]): UnhandledError[] {
  const ids = new Set(modules.map((m) => m.moduleId));
  return unhandled.filter((e) => !e.VITEST_TEST_PATH || !ids.has(e.VITEST_TEST_PATH));
}
