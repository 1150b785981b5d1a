// Runs the selected suites with vitest's Node API against one started broker and turns vitest's
// test cases into TestResults. vitest's own CLI would reject our flags, so we call it directly.
import path from 'node:path';
import { createVitest } from 'vitest/node';
import type { TestCase, TestModule, Reporter } from 'vitest/node';
import type { HarnessContext } from '../core/harness-context.ts';
import type { FailureKind, TestResult, TestStatus } from '../results/types.ts';

import { ROOT } from '../core/paths.ts';
import { progressReporter } from './progress-reporter.ts';
import { fileOf, identityOf, suiteOf } from './test-identity.ts';
import { enforceTestKeys, unkeyedPlaceholder } from './test-keys.ts';
import { fileErrorsFor, strayErrors, type UnhandledError } from './file-errors.ts';
import type { ExpectationEntry } from '../results/expectations.ts';
export { ROOT };

export interface VitestRunInput {
  context: HarnessContext;
  suites: string[];
  filters: string[];
  /** The target's known deviations, so live progress can tell them from new failures. */
  expectations?: ExpectationEntry[];
  /** Self-test aid (--suites-dir): the folder holding the suite folders, instead of suites/. */
  suitesDir?: string;
}

export interface SuitesRun {
  tests: TestResult[];
  /** Messages of vitest's unhandled errors (those inside a file are also in the affected tests). */
  unhandled: string[];
  /** Tests the name filter selected, plus files that failed before selecting any: 0 = the filter matched nothing. */
  selected: number;
  /** Set when the rig broke rather than a test: every selected file failed to load, or an error was raised outside any file (exit 2). */
  rigBroken?: string;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * One finished test case as a TestResult. A test that declared no key carries a placeholder key;
 * runSuites then turns it (and any ill-formed or shared key) into `error` via enforceTestKeys.
 */
export function toTestResult(test: TestCase, target: string): TestResult {
  const { key, id, title, suite, spec, protocol } = identityOf(test);
  const meta = test.meta();
  const result = test.result();
  const durationMs = Math.round(test.diagnostic()?.duration ?? 0);
  let status: TestStatus;
  let detail: TestResult['detail'] = meta.detail ? { ...meta.detail } : undefined;
  switch (result.state) {
    case 'passed':
      status = 'passed';
      break;
    case 'failed': {
      const err = result.errors[0];
      // CheckedNothingError (suites/support/keyed-test.ts): the test exercised nothing — a defect of the test.
      const unreachable = result.errors.some((e) => e.name === 'BrokerUnreachableError' || e.name === 'CheckedNothingError');
      status = unreachable ? 'error' : 'failed';
      detail = {
        ...detail,
        reason: err?.message?.split('\n')[0] ?? 'failed',
        ...(status === 'failed' ? { failureKind: failureKindOf(err) } : {}),
        ...(err?.expected !== undefined ? { expected: String(err.expected) } : {}),
        ...(err?.actual !== undefined ? { actual: String(err.actual) } : {}),
      };
      break;
    }
    case 'skipped':
      if (meta.notApplicable) {
        status = 'not-applicable';
        detail = { ...detail, reason: meta.notApplicable };
      } else {
        status = 'skipped';
        detail = { ...detail, reason: result.note ?? 'skipped (filtered out or not selected)' };
      }
      break;
    default:
      status = 'error';
      detail = { reason: 'test did not finish' };
  }
  return {
    key: key ?? unkeyedPlaceholder(id),
    id,
    title,
    suite,
    spec,
    protocol,
    target,
    status,
    durationMs,
    ...(detail ? { detail } : {}),
  };
}

const firstLine = (s: string | undefined): string => (s ?? 'unknown error').split('\n')[0]!;

/** A result for a file-level problem that no test of the file can carry (it has none, or none selected). */
const ASSERTION_ERRORS = new Set(['AssertionError', 'UnexpectedPacketError', 'ConnectionClosedError']);

/** TestDetail.failureKind from the first error vitest recorded (serialized: name and message). */
/**
 * Matchers vitest implements through expect.extend (toBeOneOf, ...) throw its JestExtendError, whose
 * name stays 'Error'; its message opens with the matcher hint, e.g. `expect(received).toBeOneOf(expected)`.
 */
const JEST_MATCHER_HINT = /^(?:[^\n]*: )?expect\(received\)\.(?:not\.)?\w+\(/;
const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

export function failureKindOf(err: { name?: string; message?: string } | undefined): FailureKind {
  if (err?.name && ASSERTION_ERRORS.has(err.name)) return 'assertion';
  if (err?.name === 'Error' && JEST_MATCHER_HINT.test(stripAnsi(err.message ?? ''))) return 'assertion';
  if (err?.name === 'WaitTimeoutError') return 'wait-timeout';
  if (/^Test timed out in \d+ms/.test(err?.message ?? '')) return 'test-timeout';
  return 'exception';
}

function fileError(module: TestModule, target: string, what: 'load' | 'file-error', reason: string): TestResult {
  const suite = suiteOf(module);
  return {
    key: `${suite}.${fileOf(module)}.${what}`,
    id: `${suite}/${fileOf(module)}`,
    title: `${fileOf(module)} (${what === 'load' ? 'failed to load' : 'error outside its tests'})`,
    suite,
    spec: [],
    protocol: null,
    target,
    status: 'error',
    durationMs: 0,
    detail: { reason },
  };
}

/**
 * A finished test whose file broke around it (failed hook, uncaught exception, unhandled rejection):
 * `error`, never the skip or pass vitest records for it; its own verdict stays in the message.
 */
function asFileError(r: TestResult, reason: string): TestResult {
  const own = r.status === 'skipped' ? '' : ` (the test itself ended ${r.status})`;
  return { ...r, status: 'error', detail: { ...r.detail, reason: `${reason}${own}` } };
}

export async function runSuites(input: VitestRunInput): Promise<SuitesRun> {
  let modules: ReadonlyArray<TestModule> = [];
  const unhandled: UnhandledError[] = [];
  const collector: Reporter = {
    onTestRunEnd(testModules, errors) {
      modules = testModules;
      // vitest serializes each unhandled error with the file (and test) that was running.
      unhandled.push(...(errors as unknown as UnhandledError[]));
    },
  };
  // With --suites-dir the glob is relative to that folder (vitest's `dir`), not to the repository.
  const include = input.suites.map((s) => (input.suitesDir ? `${s}/**/*.test.ts` : `suites/${s}/**/*.test.ts`));
  const testNamePattern = input.filters.length
    ? new RegExp(input.filters.map(escapeRegExp).join('|'), 'i')
    : undefined;
  const previousExitCode = process.exitCode;
  const vitest = await createVitest('test', {
    root: ROOT,
    config: path.join(ROOT, 'vitest.config.ts'),
    ...(input.suitesDir ? { dir: input.suitesDir } : {}),
    include,
    testNamePattern,
    provide: { harness: input.context },
    reporters: [collector, process.env.HARNESS_QUIET ? 'dot' : progressReporter(process.stderr, input.context.target.name, input.expectations ?? [], toTestResult)],
    watch: false,
    passWithNoTests: true,
  }, undefined, { stdout: process.stderr, stderr: process.stderr });
  try {
    await vitest.start([]);
  } finally {
    await vitest.close();
  }
  process.exitCode = previousExitCode; // the harness decides the exit code, not vitest
  const target = input.context.target.name;
  const cases: TestResult[] = [];
  const declared: (string | undefined)[] = [];
  const fileLevel: TestResult[] = [];
  let selected = 0;
  let loadFailures = 0;
  for (const module of modules) {
    const affected = fileErrorsFor(module, unhandled);
    let failedInFile = false;
    for (const test of module.children.allTests()) {
      if (test.options.mode === 'run') selected++;
      const own = toTestResult(test, target);
      const reason = affected.get(test);
      cases.push(reason ? asFileError(own, reason) : own);
      failedInFile ||= test.result().state === 'failed';
      declared.push(test.meta().key);
    }
    const err = module.errors()[0];
    const inFile = unhandled.find((e) => e.VITEST_TEST_PATH === module.moduleId);
    if (err && !module.children.size) {
      // A file that failed to load has no tests to carry a key: the runner names the key itself.
      // The whole message: a loader's errors (e.g. lib/conformance/vectors.ts) name file and item line by line.
      fileLevel.push(fileError(module, target, 'load', err.message));
      loadFailures++;
      selected++;
    } else if ((err || inFile) && !affected.size && !failedInFile) {
      // Broke where no selected test can carry it (e.g. every test filtered out, or the error came
      // after the last test): still an error of the file, never silence.
      const reason = err ? `file failed: ${firstLine(err.message)}` : `${inFile!.type ?? 'unhandled error'} while the file ran: ${firstLine(inFile!.message)}`;
      fileLevel.push(fileError(module, target, 'file-error', reason));
      selected++;
    }
  }
  const stray = strayErrors(modules, unhandled);
  if (stray.length) {
    fileLevel.push({
      key: 'run.outside-any-file',
      id: '(outside any suite file)',
      title: 'error raised outside any suite file',
      suite: 'run',
      spec: [],
      protocol: null,
      target,
      status: 'error',
      durationMs: 0,
      detail: { reason: stray.map((e) => `${e.type ?? 'unhandled error'}: ${firstLine(e.message)}`).join('; ') },
    });
  }
  const rigBroken = stray.length
    ? `an error was raised outside any suite file: ${firstLine(stray[0]!.message)}`
    : modules.length && loadFailures === modules.length
      ? `every selected suite file failed to load (first: ${firstLine(modules[0]!.errors()[0]?.message)})`
      : undefined;
  return {
    tests: [...enforceTestKeys(cases, declared), ...fileLevel],
    unhandled: unhandled.map((e) => e.message ?? String(e)),
    selected,
    ...(rigBroken ? { rigBroken } : {}),
  };
}
