// The fuzz suite (not a default suite: `--suite fuzz`): MQTT 3.1.1 and MQTT 5 sessions from the packet
// grammar with field-aware mutations, guided by the broker's responses, checked after every batch by
// the oracle (process alive, RSS growth, canary PINGRESP and publish round trip) and for responses
// the specification forbids. Findings are minimized (where the broker can be replayed) and written as
// vector files under <run dir>/fuzz/. Budget, iteration cap and seed: --fuzz-budget,
// --fuzz-iterations, --fuzz-seed (lib/fuzz/fuzz-plan.ts); the budget is shared by the protocol
// versions run. With several targets (differential mode) the schedule is unguided and each input's
// answer goes to <run dir>/fuzz/<target>.json for lib/run to compare. docs/fuzz.md.
import { describe } from 'vitest';
import type { ProtocolVersion } from '../../lib/core/broker.ts';
import { runFuzz } from '../../lib/fuzz/fuzz-engine.ts';
import { processWatch } from '../../lib/fuzz/fuzz-oracle.ts';
import { DEFAULT_FUZZ_BUDGET_MS, DEFAULT_FUZZ_ITERATIONS } from '../../lib/fuzz/fuzz-plan.ts';
import { fuzzRecord, fuzzSummary } from '../../lib/fuzz/fuzz-summary.ts';
import { writeDifferentialAnswers } from '../../lib/fuzz/fuzz-differential.ts';
import { harness, notApplicable, requireListener } from '../support/harness.ts';
import { keyedTest, recordCheck } from '../support/keyed-test.ts';

/** process.kill(pid, 0) tells whether the broker's process exists (the harness reaps its children). */
function processAlive(pid: number | undefined): () => boolean {
  if (pid === undefined) return () => true;
  return () => {
    try { process.kill(pid, 0); return true; } catch { return false; }
  };
}

// Wide: the canary competes with 32 fuzzing sessions for a broker on a loaded machine.
const CANARY_MS = 5000;

const SUITES: { protocol: ProtocolVersion; key: string; spec: string[] }[] = [
  // The CONNECT rules are judged from the bytes written (lib/fuzz/connect-validity.ts).
  { protocol: '3.1.1', key: 'fuzz.sessions-3-1-1', spec: ['MQTT-3.1.2-3', 'MQTT-1.5.3-1', 'MQTT-1.5.3-2', 'MQTT-2.2.2-2', 'MQTT-3.1.2-13', 'MQTT-3.1.2-14', 'MQTT-3.1.2-15', 'MQTT-3.1.2-22', 'MQTT-3.1.4-1', 'MQTT-4.7.1-2', 'MQTT-4.7.1-3'] },
  { protocol: '5', key: 'fuzz.sessions-5', spec: ['MQTT-3.1.2-3', 'MQTT-1.5.4-1', 'MQTT-1.5.4-2', 'MQTT-2.1.3-1', 'MQTT-3.1.2-11', 'MQTT-3.1.2-12', 'MQTT-3.1.2-13', 'MQTT-3.1.4-1', 'MQTT-4.13.1-1'] },
];

describe.each(SUITES)('fuzz: MQTT $protocol sessions', ({ protocol, key, spec }) => {
  const h = harness();
  const plan = h.fuzz ?? { budgetMs: DEFAULT_FUZZ_BUDGET_MS, maxIterations: DEFAULT_FUZZ_ITERATIONS, seed: 1, outDir: '' };
  // The budget is the whole suite's: split between the protocol versions this run fuzzes.
  const share = Math.max(1, SUITES.filter((s) => h.protocols.includes(s.protocol)).length);
  const budgetMs = Math.round(plan.budgetMs / share);
  keyedTest(key, `fuzzed MQTT ${protocol} sessions leave the broker serving and draw no forbidden response`, { spec, timeoutMs: budgetMs + 90_000 }, async (ctx) => {
    ctx.task.meta.protocol = protocol;
    if (!h.protocols.includes(protocol)) notApplicable(ctx, `${h.target.name} is not run on MQTT ${protocol} here`);
    const listener = requireListener(ctx, 'plain');
    // The embedded aedes shares the harness's process: its memory is the harness's own, not measured.
    const ownProcess = h.target.pid === process.pid;
    const report = await runFuzz({
      endpoint: { host: listener.host, port: listener.port, ...(listener.credentials ? { credentials: listener.credentials } : {}) },
      isAlive: processAlive(h.target.pid),
      ...(ownProcess ? {} : { watch: processWatch(h.target.pid, h.target.logFile) }),
      protocols: [protocol],
      seed: plan.seed, budgetMs, maxIterations: Math.ceil(plan.maxIterations / share), canaryTimeoutMs: CANARY_MS,
      ...(plan.outDir ? { outDir: plan.outDir, stem: `fuzz-${h.target.name}-seed${plan.seed}` } : {}),
      ...(plan.differentialFile ? { differential: true } : {}),
    });
    if (plan.differentialFile && report.answers) writeDifferentialAnswers(plan.differentialFile, h.target.name, plan.seed, protocol, report.answers);
    const summary = fuzzSummary(report);
    ctx.task.meta.detail = { ...ctx.task.meta.detail, actual: summary, fuzz: fuzzRecord(report) };
    // A finding first (a broker dead from the start is a liveness finding); then a run that exercised
    // nothing is not a pass (the canary alone is no fuzzing).
    if (!report.findings.length && report.iterations === 0) throw new Error(`the fuzz loop sent no packet within ${budgetMs} ms`);
    recordCheck(ctx);
    if (report.findings.length) {
      const list = report.findings.map((f) => `${f.statement ?? f.kind}: ${f.problem} (iteration ${f.iteration}, after ${(f.foundAfterMs / 1000).toFixed(1)} s, reproducer ${f.reproducer.bytes} bytes${f.reproducer.minimized ? ', minimized' : ', not minimized'})`);
      throw new Error(`${report.findings.length} finding(s): ${list.join('; ')}. Reproducer: ${report.reproducerFiles.join(', ') || '(no run directory)'}. ${summary}`);
    }
  });
});
