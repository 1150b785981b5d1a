// Runs the selected suites with vitest's Node API against one started broker and turns vitest's
// test cases into TestResults. vitest's own CLI would reject our flags, so we call it directly.
import path from 'node:path';
import { createVitest } from 'vitest/node';
import type { TestCase, TestModule, Reporter } from 'vitest/node';
import type { HarnessContext } from '../core/harness-context.ts';
import type { TestResult, TestStatus } from '../results/types.ts';

import { ROOT } from '../core/paths.ts';
import { progressReporter } from './progress-reporter.ts';
import { fileOf, identityOf, suiteOf } from './test-identity.ts';
import { enforceTestKeys, unkeyedPlaceholder } from './test-keys.ts';
import type { ExpectationEntry } from '../results/expectations.ts';
export { ROOT };

export interface VitestRunInput {
  context: HarnessContext;
  suites: string[];
  filters: string[];
  /** The target's known deviations, so live progress can tell them from new failures. */
  expectations?: ExpectationEntry[];
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

export async function runSuites(input: VitestRunInput): Promise<{ tests: TestResult[]; unhandled: string[] }> {
  let modules: ReadonlyArray<TestModule> = [];
  const unhandled: string[] = [];
  const collector: Reporter = {
    onTestRunEnd(testModules, errors) {
      modules = testModules;
      for (const e of errors) unhandled.push(e.message ?? String(e));
    },
  };
  const include = input.suites.map((s) => `suites/${s}/**/*.test.ts`);
  const testNamePattern = input.filters.length
    ? new RegExp(input.filters.map(escapeRegExp).join('|'), 'i')
    : undefined;
  const previousExitCode = process.exitCode;
  const vitest = await createVitest('test', {
    root: ROOT,
    config: path.join(ROOT, 'vitest.config.ts'),
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
  const cases: TestResult[] = [];
  const declared: (string | undefined)[] = [];
  const loadErrors: TestResult[] = [];
  for (const module of modules) {
    for (const test of module.children.allTests()) {
      cases.push(toTestResult(test, input.context.target.name));
      declared.push(test.meta().key);
    }
    const err = module.errors()[0];
    if (err && !module.children.size) {
      // A file that failed to load has no tests to carry a key: the runner names the key itself.
      loadErrors.push({
        key: `${suiteOf(module)}.${fileOf(module)}.load`,
        id: `${suiteOf(module)}/${fileOf(module)}`,
        title: `${fileOf(module)} (failed to load)`,
        suite: suiteOf(module),
        spec: [],
        protocol: null,
        target: input.context.target.name,
        status: 'error',
        durationMs: 0,
        // The whole message: a loader's errors (e.g. lib/conformance/vectors.ts) name file and item line by line.
        detail: { reason: err.message },
      });
    }
  }
  return { tests: [...enforceTestKeys(cases, declared), ...loadErrors], unhandled };
}
