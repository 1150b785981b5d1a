// The fuzz suite (not a default suite: `--suite fuzz`): MQTT 3.1.1 sessions from the packet grammar
// with field-aware mutations, guided by the broker's responses, checked after every batch by the
// liveness oracle (process alive, canary PINGRESP and publish round trip) and for responses the
// specification forbids. Findings are minimized (where the broker can be replayed) and written as a
// vector file under <run dir>/fuzz/. Budget, iteration cap and seed: --fuzz-budget, --fuzz-iterations,
// --fuzz-seed (lib/fuzz/fuzz-plan.ts). docs/fuzz.md.
import { describe } from 'vitest';
import { runFuzz } from '../../lib/fuzz/fuzz-engine.ts';
import { DEFAULT_FUZZ_BUDGET_MS, DEFAULT_FUZZ_ITERATIONS } from '../../lib/fuzz/fuzz-plan.ts';
import { harness, notApplicable, requireListener } from '../support/harness.ts';
import { keyedTest, recordCheck } from '../support/keyed-test.ts';

/** process.kill(pid, 0) tells whether the broker's process exists (the harness reaps its children). */
function processAlive(pid: number | undefined): () => boolean {
  if (pid === undefined) return () => true;
  return () => {
    try { process.kill(pid, 0); return true; } catch { return false; }
  };
}

const CANARY_MS = 2000;

describe('fuzz: MQTT 3.1.1 sessions', () => {
  const h = harness();
  const plan = h.fuzz ?? { budgetMs: DEFAULT_FUZZ_BUDGET_MS, maxIterations: DEFAULT_FUZZ_ITERATIONS, seed: 1, outDir: '' };
  keyedTest('fuzz.sessions-3-1-1', 'fuzzed 3.1.1 sessions leave the broker serving and draw no forbidden response', { spec: ['MQTT-3.1.2-3', 'MQTT-1.5.3-1', 'MQTT-1.5.3-2'], timeoutMs: plan.budgetMs + 90_000 }, async (ctx) => {
    ctx.task.meta.protocol = '3.1.1';
    if (!h.protocols.includes('3.1.1')) notApplicable(ctx, `${h.target.name} is not run on MQTT 3.1.1 here (the fuzz grammar is 3.1.1 only so far)`);
    const listener = requireListener(ctx, 'plain');
    if (listener.credentials) notApplicable(ctx, `${h.target.name} has no anonymous plain listener; the fuzz sessions send no credentials yet`);
    const report = await runFuzz({
      endpoint: { host: listener.host, port: listener.port },
      isAlive: processAlive(h.target.pid),
      seed: plan.seed, budgetMs: plan.budgetMs, maxIterations: plan.maxIterations, canaryTimeoutMs: CANARY_MS,
      ...(plan.outDir ? { outDir: plan.outDir, stem: `fuzz-${h.target.name}-seed${plan.seed}` } : {}),
    });
    const summary = `${report.iterations} iterations in ${(report.elapsedMs / 1000).toFixed(1)} s (${report.iterationsPerSec}/s), seed ${report.seed}, ` +
      `${report.responseKinds} response kinds, ${report.canaryChecks} canary checks, stopped by ${report.stoppedBy}`;
    ctx.task.meta.detail = { ...ctx.task.meta.detail, actual: summary };
    // A run that exercised nothing is not a pass (the canary alone is no fuzzing).
    if (report.iterations === 0) throw new Error(`the fuzz loop played no session within ${plan.budgetMs} ms`);
    recordCheck(ctx);
    if (report.findings.length) {
      const list = report.findings.map((f) => `${f.statement ?? 'liveness'}: ${f.problem} (iteration ${f.iteration}, after ${(f.foundAfterMs / 1000).toFixed(1)} s, reproducer ${f.reproducer.bytes} bytes${f.reproducer.minimized ? ', minimized' : ', not minimized'})`);
      throw new Error(`${report.findings.length} finding(s): ${list.join('; ')}. Reproducer: ${report.reproducerFile ?? '(no run directory)'}. ${summary}`);
    }
  });
});
