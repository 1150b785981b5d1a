// A broker running as a child process: its output goes to the broker log file, readiness is a log
// line, and stop() ends it (SIGTERM, then SIGKILL after a grace period).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import { BrokerStartError } from '../core/errors.ts';

export interface BrokerProcessOptions {
  target: string;
  command: string;
  args: string[];
  logFile: string;
  ready: RegExp;
  /** Log lines that mean the start failed for good (e.g. address in use), to fail fast. */
  fatal?: RegExp;
  timeoutMs: number;
  spawn?: SpawnOptions;
}

export interface BrokerProcess {
  child: ChildProcess;
  /** Every line printed so far (stdout and stderr interleaved as they arrived). */
  output(): string;
  /** The first line matching the ready pattern. */
  readyLine: string;
  isAlive(): boolean;
  stop(graceMs?: number): Promise<void>;
}

export async function startBrokerProcess(o: BrokerProcessOptions): Promise<BrokerProcess> {
  const log = fs.createWriteStream(o.logFile, { flags: 'a' });
  let text = '';
  let exited = false;
  const child = spawn(o.command, o.args, { stdio: ['ignore', 'pipe', 'pipe'], ...o.spawn });
  const exitPromise = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));
  const stopChild = async (graceMs = 3000) => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, graceMs);
      await exitPromise;
      clearTimeout(timer);
    }
    await new Promise<void>((r) => log.end(() => r()));
  };

  const readyLine = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(`it did not report readiness within ${o.timeoutMs} ms`), o.timeoutMs);
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new BrokerStartError(o.target, `${o.command} failed to start: ${why}`, text));
    };
    let started = false;
    const onData = (chunk: Buffer) => {
      const s = chunk.toString();
      // The pipe can deliver after the process exited and the log was ended (rabbitmq-server: a script whose beam child still writes).
      if (!log.writableEnded) log.write(s);
      // Once ready, the output goes to the log file only: a connection storm logs a line per client
      // (18,000 with connections-18k), and keeping and re-splitting it all here cost the generator's
      // process memory and CPU in proportion to the connections.
      if (started) return;
      text += s;
      const ready = text.split('\n').find((l) => o.ready.test(l));
      if (ready !== undefined) {
        started = true;
        clearTimeout(timer);
        resolve(ready);
      } else if (o.fatal && o.fatal.test(text)) {
        fail(text.split('\n').find((l) => o.fatal!.test(l)) ?? 'fatal log line');
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (e) => fail(e.message));
    child.once('exit', (code, signal) => fail(`it exited (${signal ?? `code ${code}`}); last output: ${text.trim().split('\n').slice(-3).join(' | ')}`));
  }).catch(async (e) => {
    await stopChild(500);
    throw e;
  });

  return {
    child,
    readyLine,
    output: () => text,
    isAlive: () => !exited,
    stop: stopChild,
  };
}
