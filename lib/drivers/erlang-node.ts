// Shared plumbing for Erlang brokers (RabbitMQ, ejabberd) under the local driver.
// Why: an Erlang node registers with epmd, and when none answers on ERL_EPMD_PORT the VM spawns
// `epmd -daemon`, which outlives the broker and keeps a port open. The harness therefore starts its own
// epmd in the foreground as a child (loopback only, a free port), points the node at it, and ends it
// after the broker — on a failed start too. Distribution listens on loopback only as well.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { BrokerStartError } from '../core/errors.ts';
import { freePort, waitForPort } from './free-port.ts';
import { findBinary } from './resolve-driver.ts';

export interface EpmdDaemon {
  port: number;
  /** Environment every Erlang VM of this broker start needs so it uses this epmd, on loopback. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Unique short node name, e.g. `harness-rabbitmq-3f9c1a`; the host part is always `localhost`. */
export function uniqueNodeName(target: string): string {
  return `harness-${target}-${randomBytes(3).toString('hex')}@localhost`;
}

/** `-kernel inet_dist_use_interface {127,0,0,1}`: the node's distribution port binds loopback only. */
export const LOOPBACK_DIST_ARGS = ['-kernel', 'inet_dist_use_interface', '{127,0,0,1}'] as const;

export async function startEpmd(target: string, timeoutMs = 5000): Promise<EpmdDaemon> {
  const epmd = findBinary('epmd') ?? '/usr/bin/epmd';
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const env = { ERL_EPMD_ADDRESS: '127.0.0.1', ERL_EPMD_PORT: String(port) };
    const child = spawn(epmd, ['-port', String(port), '-address', '127.0.0.1'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.once('error', () => {});
    try {
      await Promise.race([
        waitForPort('127.0.0.1', port, timeoutMs),
        exited.then(() => { throw new Error(`epmd exited: ${stderr.trim() || 'no output'}`); }),
      ]);
    } catch (e) {
      await killChild(child, exited);
      if (attempt < 3) continue;
      throw new BrokerStartError(target, `could not start epmd on 127.0.0.1:${port}: ${(e as Error).message}`);
    }
    return {
      port,
      env,
      stop: async () => {
        await killChild(child, exited);
        // Belt and braces: if our epmd died and a VM spawned a daemon on the same port, ask it to go.
        spawnSync(epmd, ['-port', String(port), '-kill'], { env: { ...process.env, ...env }, stdio: 'ignore', timeout: 2000 });
      },
    };
  }
}

async function killChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
  await exited;
  clearTimeout(timer);
}

/** Children of a process (Linux /proc), found by parent pid. */
function childrenOf(pid: number): { pid: number; comm: string }[] {
  const out: { pid: number; comm: string }[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may contain spaces, so split after the last ')'.
      const close = stat.lastIndexOf(')');
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      if (ppid === pid) out.push({ pid: Number(entry), comm: stat.slice(stat.indexOf('(') + 1, close) });
    } catch { /* ended while we looked */ }
  }
  return out;
}

/**
 * The Erlang VM (beam.smp) started by a wrapper script, searched breadth-first below `pid`; undefined
 * when /proc is unavailable or the VM is not there. The pid is what resource samplers should watch.
 */
/**
 * Starts a private epmd for one Erlang broker and runs `start` with it. If the start fails, epmd is
 * stopped before the error propagates; on success the started broker owns it (its stop() stops epmd).
 */
export async function withEpmd<T>(target: string, start: (epmd: EpmdDaemon) => Promise<T>): Promise<T> {
  const epmd = await startEpmd(target);
  try {
    return await start(epmd);
  } catch (e) {
    await epmd.stop();
    throw e;
  }
}

export function findBeam(pid: number, depth = 3): number | undefined {
  let level = [pid];
  for (let d = 0; d < depth && level.length; d++) {
    const next = level.flatMap(childrenOf);
    const beam = next.find((c) => c.comm.startsWith('beam'));
    if (beam) return beam.pid;
    level = next.map((c) => c.pid);
  }
  return undefined;
}

/** SIGKILL a process that outlived its graceful stop (e.g. a VM whose wrapper was killed). */
export function killIfAlive(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, 0);
    process.kill(pid, 'SIGKILL');
  } catch { /* already gone */ }
}
