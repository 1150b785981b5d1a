// Live progress of a suite run on stderr, in the harness's terms rather than vitest's: one line per
// finished test file with its counts, and each failure as it happens — marked "known deviation" when
// the target's expectations list it, so a run that exits 0 does not scroll past a wall of FAIL lines.
// The final verdict is the summary printed after the run (run.ts), not this stream.
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { applyExpectations, type ExpectationEntry } from '../results/expectations.ts';
import type { TestResult } from '../results/types.ts';

export function progressReporter(out: NodeJS.WritableStream, target: string, expectations: ExpectationEntry[], toResult: (t: TestCase, target: string) => TestResult): Reporter {
  return {
    onTestCaseResult(test: TestCase) {
      if (test.result().state !== 'failed') return;
      const r = toResult(test, target);
      const [judged] = applyExpectations([r], expectations);
      const where = `${r.protocol ? `mqtt ${r.protocol}  ` : ''}${r.id}`;
      if (judged!.status === 'expected-failure') {
        out.write(`    known deviation  ${where}\n`);
        return;
      }
      out.write(`    FAIL  ${where}\n`);
      if (r.detail?.reason) out.write(`          ${r.detail.reason}\n`);
    },
    onTestModuleEnd(module: TestModule) {
      const counts = { passed: 0, failed: 0, known: 0, skipped: 0 };
      for (const t of module.children.allTests()) {
        const state = t.result().state;
        if (state === 'passed') counts.passed++;
        else if (state !== 'failed') counts.skipped++;
        else if (applyExpectations([toResult(t, target)], expectations)[0]!.status === 'expected-failure') counts.known++;
        else counts.failed++;
      }
      const seconds = ((module.diagnostic().duration ?? 0) / 1000).toFixed(1);
      const name = module.moduleId.replace(/^.*\/suites\//, '').replace(/\.test\.ts$/, '');
      const err = module.errors()[0];
      const known = counts.known ? `, ${counts.known} known deviation${counts.known > 1 ? 's' : ''}` : '';
      out.write(`  ${name}: ${counts.passed} passed, ${counts.failed} failed${known}, ${counts.skipped} not run or not applicable (${seconds} s)${err ? `; file error: ${err.message}` : ''}\n`);
    },
  };
}
