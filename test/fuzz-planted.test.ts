// Proof that the fuzz suite finds what the fixed vectors do not contain: faults planted in a proxy
// in front of a correct broker (in-process aedes), each triggered only by one input shape, must be
// found within the budget, minimized and written as a vector file; a broker process whose memory grows
// per connection must be caught by the RSS oracle. Then a fuzz run of the real CLI against a local
// aedes killed as it starts. The 20 s smoke against Mosquitto is test/fuzz-smoke.test.ts.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { startAedesBroker, type RunningAedes } from '../lib/targets/aedes-broker.ts';
import { startFaultProxy, type StartedFaultProxy } from '../lib/faults/fault-proxy.ts';
import type { Fault } from '../lib/faults/fault.ts';
import { fuzzSummary } from '../lib/fuzz/fuzz-summary.ts';
import { runFuzz, type FuzzReport } from '../lib/fuzz/fuzz-engine.ts';
import { processWatch } from '../lib/fuzz/fuzz-oracle.ts';
import { loadVectorFiles, validateVectorFile } from '../lib/conformance/vectors.ts';
import { ROOT } from '../lib/core/paths.ts';
import { runHarness } from './support/run-harness.ts';

const outRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-planted-'));
afterAll(() => fs.rmSync(outRoot, { recursive: true, force: true }));

/** A planted fault whose state a restart clears: `broken` once triggered, for every connection. */
interface Planted { fault: Fault; broken: () => boolean; restart: () => void }

const planted = (name: string, description: string, trigger: (type: number, flags: number, previousType: number | undefined) => boolean, when: 'exits' | 'hangs'): Planted => {
  let broken = false;
  const fault: Fault = {
    name, description, statement: '', catchers: [],
    fromClient(frame, c) {
      if (!broken && trigger(frame.type, frame.flags, c.state.get('previousType') as number | undefined)) {
        broken = true;
        if (when === 'exits') for (const other of c.all()) other.closeClient();
      }
      c.state.set('previousType', frame.type);
      if (!broken) return undefined;
      if (when === 'exits') c.closeClient();
      return 'drop'; // hangs: nothing reaches the broker any more, for any client
    },
  };
  return { fault, broken: () => broken, restart: () => { broken = false; } };
};

async function fuzzThrough(p: Planted, seed: number, exitsLikeAProcess: boolean): Promise<FuzzReport> {
  let broker: RunningAedes | undefined;
  let proxy: StartedFaultProxy | undefined;
  try {
    broker = await startAedesBroker({});
    proxy = await startFaultProxy({ upstreamHost: '127.0.0.1', upstreamPort: broker.ports.plain!, fault: p.fault });
    return await runFuzz({
      endpoint: { host: proxy.host, port: proxy.port },
      // "exits": the process is gone (isAlive turns false); "hangs": only the canary can tell.
      isAlive: () => !(exitsLikeAProcess && p.broken()),
      seed, budgetMs: 25_000, maxIterations: 5000, answerMs: 300, canaryTimeoutMs: 1000,
      // 40 s for ddmin: at the start of CI's parallel phase (load 10+) 12 s allowed only 48 replays once.
      restart: async () => p.restart(), minimizeBudgetMs: 40_000,
      outDir: path.join(outRoot, p.fault.name), stem: `fuzz-${p.fault.name}`,
    });
  } finally {
    await proxy?.close();
    await broker?.close();
  }
}

function expectFoundAndMinimized(report: FuzzReport, label: string, maxBytes: number, kind: 'liveness' | 'memory' = 'liveness'): void {
  const finding = report.findings.find((f) => f.kind === kind);
  const summary = finding
    ? `${label}: found after ${(finding.foundAfterMs / 1000).toFixed(1)} s (iteration ${finding.iteration}, ${report.iterationsPerSec} it/s), minimized in ${(finding.minimizeMs / 1000).toFixed(1)} s with ${finding.reproducer.minimizerTests} replays to ${finding.reproducer.bytes} bytes: ${finding.reproducer.writes.map((w) => w.toString('hex')).join(' | ')}`
    : `${label}: NOT found in ${report.iterations} iterations (${report.elapsedMs} ms)`;
  console.log(summary);
  expect(finding, summary).toBeDefined();
  expect(finding!.reproducer.bytes).toBeLessThanOrEqual(maxBytes);
  // The reproducer is a valid vector file the vector runner would load.
  const file = report.reproducerFiles[0]!;
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  expect(validateVectorFile(ROOT, doc, path.basename(file))).toEqual([]);
  expect(doc.vectors.map((v: { key: string }) => v.key)).toContain(`vector.${path.basename(file, '.json')}.finding-${report.findings.indexOf(finding!) + 1}`);
}

describe('fuzz finds planted faults', () => {
  test('bad fuzz input exits 2 with one line naming the flag', async () => {
    const r = await runHarness(['--suite', 'fuzz', '--fuzz-budget', 'abc'], { timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/--fuzz-budget "abc" is not allowed; use a time from 1s to 60m, e\.g\. --fuzz-budget 60s/)]);
  }, 90_000);

  test('a broker that exits on a PUBLISH with QoS 2, RETAIN and DUP all set', async () => {
    const p = planted('exit-on-dup-retain-qos2', 'closes every connection and refuses new ones after PUBLISH flags 1101', (type, flags) => type === 3 && flags === 0x0d, 'exits');
    const report = await fuzzThrough(p, 11, true);
    // ddmin is 1-minimal by removal: the trigger PUBLISH stays a whole frame (3d, its Remaining Length, a body that long).
    expectFoundAndMinimized(report, "exit on PUBLISH 1101", 12);
  }, 100_000);

  test('a broker that stops answering after PUBREL directly followed by SUBSCRIBE', async () => {
    const p = planted('hang-after-pubrel-subscribe', 'drops every packet of every client after PUBREL then SUBSCRIBE on one connection', (type, _flags, previous) => type === 8 && previous === 6, 'hangs');
    const report = await fuzzThrough(p, 12, false);
    expectFoundAndMinimized(report, 'hang after PUBREL, SUBSCRIBE', 64);
  }, 100_000);
});

/** aedes in its own process (test/support/leaky-aedes-process.ts), so /proc/<pid>/status is its RSS alone. */
async function leakyAedes(env: Record<string, string> = {}): Promise<{ child: ReturnType<typeof spawn>; port: number }> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(ROOT, 'test/support/leaky-aedes-process.ts')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`leaky aedes did not start in 60 s: ${out}`)), 60_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /leaky-aedes-ready (\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`leaky aedes exited with ${code}`)); });
  }).catch((e) => { child.kill('SIGKILL'); throw e; });
  return { child, port };
}

async function stopChild(child: ReturnType<typeof spawn>): Promise<void> {
  child.kill('SIGTERM');
  await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
}

describe('fuzz finds a planted memory leak', () => {
  test('a broker process whose memory grows by 1 MB per connection', async () => {
    const { child, port } = await leakyAedes();
    try {
      const alive = () => child.exitCode === null;
      // A wide canary bound: this test is about the memory oracle. CI once saw the canary of this
      // process miss 5 s at load 9 (a liveness finding) before its RSS reached the bound.
      const report = await runFuzz({
        endpoint: { host: '127.0.0.1', port }, isAlive: alive, watch: processWatch(child.pid, undefined),
        seed: 13, budgetMs: 60_000, maxIterations: 10_000_000, answerMs: 500, canaryTimeoutMs: 15_000, minimizeBudgetMs: 20_000, rssSettleMs: 5_000,
        outDir: path.join(outRoot, 'leak'), stem: 'fuzz-leak-per-connection',
      });
      console.log(report.findings.map((f) => `${f.kind}: ${f.problem}`).join('\n'));
      expect(report.findings.map((f) => f.kind)).not.toContain('liveness');
      // The reproducer is one session cut down to the packets that still leak: the CONNECT at least.
      expectFoundAndMinimized(report, 'memory growth per connection', 4096, 'memory');
      expect(report.findings[0]!.reproducer.notes[0]).toMatch(/CONNECT/);
    } finally {
      await stopChild(child);
    }
  }, 150_000);

  // The twin that must not be a finding: memory held under load and given back (RabbitMQ 3.10.8
  // peaked 600 MB over its start during a 45 s run and was back to +21 MB 30 s after it). The bound is
  // low (32 MB) so that 1 MB per connection held for 2 s passes it under load within a 12 s budget.
  test('a broker process that holds 1 MB per connection for 2 s and then frees it is no leak', async () => {
    const { child, port } = await leakyAedes({ LEAK_FREE_AFTER_MS: '2000' });
    try {
      const report = await runFuzz({
        endpoint: { host: '127.0.0.1', port }, isAlive: () => child.exitCode === null, watch: processWatch(child.pid, undefined),
        seed: 13, budgetMs: 12_000, maxIterations: 10_000_000, answerMs: 500, canaryTimeoutMs: 5000, rssGrowthLimitKb: 32 * 1024, rssSettleMs: 15_000,
      });
      console.log(fuzzSummary(report));
      // aedes's own deviations (forbidden responses, docs/fuzz.md) may be found; no memory or liveness finding may.
      expect(report.findings.map((f) => f.kind).filter((k) => k !== 'forbidden-response'), 'findings on memory that is given back').toEqual([]);
      expect(report.rssKb!.max - report.rssKb!.first, 'the RSS passed the bound under load (else the twin proves nothing)').toBeGreaterThan(32 * 1024);
      expect(report.rssSettled?.times, 'pauses after which the RSS fell back under the bound').toBeGreaterThanOrEqual(1);
    } finally {
      await stopChild(child);
    }
  }, 120_000);
});

describe('fuzz through the CLI when the broker dies', () => {
  test('a killed local aedes is a liveness finding: the fuzz test fails, never passes', async () => {
    let killed: number | undefined;
    const r = await runHarness(['--target', 'aedes', '--driver', 'local', '--suite', 'fuzz', '--fuzz-budget', '10s', '--fuzz-seed', '5'], {
      timeoutMs: 60_000,
      onOutput: { when: /ready in \d+ ms \(pid (\d+)\)/, then: (_child, err) => { killed = Number(/\(pid (\d+)\)/.exec(err)![1]); process.kill(killed, 'SIGKILL'); } },
    });
    const t = r.results?.tests.find((x) => x.key === 'fuzz.sessions-3-1-1');
    console.log(`killed broker ${killed}: ${t?.status}: ${(t?.detail?.reason ?? '').slice(0, 300)}`);
    expect(killed).toBeDefined();
    // The harness sees its broker gone and records `error` (a dead broker is never a pass); the fuzz oracle's finding is in the reason.
    expect(['failed', 'error']).toContain(t?.status);
    expect(t?.detail?.reason).toMatch(/liveness: the broker process is gone/);
    expect(r.code).not.toBe(0);
  }, 70_000);
});
