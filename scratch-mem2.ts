import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { rabbitmqTarget } from './lib/targets/rabbitmq-target.ts';
import { runFuzz } from './lib/fuzz/fuzz-engine.ts';
import { processWatch } from './lib/fuzz/fuzz-oracle.ts';
import { fuzzSummary } from './lib/fuzz/fuzz-summary.ts';

const rss = (pid: number) => Math.round(Number(/^VmRSS:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memexp-'));
const b = await rabbitmqTarget.drivers.local!.start({ target: 'rabbitmq', runId: 'mem', assets: { workDir: dir, logFile: path.join(dir, 'broker.log') } });
const l = b.listeners.plain!;
const pid = b.pid!;
const env = Object.fromEntries(fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const ctl = (...a: string[]) => { try { return execFileSync('rabbitmq-diagnostics', ['-q', ...a], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 }); } catch (e) { return `ERR ${(e as Error).message.slice(0, 300)}`; } };
const top = (label: string) => { const out = ctl('memory_breakdown', '--unit', 'MB'); console.log(`${label}: RSS ${rss(pid)} MB; breakdown:\n${out.split('\n').filter(Boolean).slice(0, 8).join('\n')}`); };
try {
  top('before');
  const report = await runFuzz({ endpoint: { host: l.host, port: l.port, ...(l.credentials ? { credentials: l.credentials } : {}) }, isAlive: () => true, watch: processWatch(pid, undefined),
    protocols: ['3.1.1'], seed: 42, budgetMs: Number(process.env.BUDGET ?? 45000), maxIterations: 1e6, canaryTimeoutMs: 5000, rssGrowthLimitKb: 10 * 1024 * 1024 });
  console.log(fuzzSummary(report));
  top('at the end');
  for (const s of [10, 30, 60]) { await new Promise((r) => setTimeout(r, s === 10 ? 10000 : s === 30 ? 20000 : 30000)); top(`idle ${s} s`); }
  console.log(ctl('eval', 'erlang:garbage_collect(), [erlang:garbage_collect(P) || P <- erlang:processes()], ok.'));
  top('after a full garbage collection');
  console.log('log bytes', fs.statSync(path.join(dir, 'broker.log')).size);
} finally { await b.stop(); fs.rmSync(dir, { recursive: true, force: true }); }
