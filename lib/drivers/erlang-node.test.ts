// Needs Debian's epmd (erlang-base). Proves the harness's epmd is on loopback and gone after stop.
import { expect, test } from 'vitest';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { needBinary } from '../../test/support/requirements.ts';
import { findBeam, killIfAlive, startEpmd, uniqueNodeName } from './erlang-node.ts';

const answers = (port: number, host = '127.0.0.1') =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ host, port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });

test('startEpmd: answers on loopback with its port in the env; stop() leaves nothing listening', async (ctx) => {
  needBinary(ctx, 'epmd', 'erlang-base'); // a skip outside CI, a failure with CI=true
  const epmd = await startEpmd('selftest');
  try {
    expect(epmd.env).toEqual({ ERL_EPMD_ADDRESS: '127.0.0.1', ERL_EPMD_PORT: String(epmd.port) });
    expect(await answers(epmd.port)).toBe(true);
  } finally {
    await epmd.stop();
  }
  expect(await answers(epmd.port)).toBe(false);
});

test('node names are unique and on localhost', () => {
  const a = uniqueNodeName('rabbitmq');
  expect(a).toMatch(/^harness-rabbitmq-[0-9a-f]{6}@localhost$/);
  expect(uniqueNodeName('rabbitmq')).not.toBe(a);
});

test('findBeam finds the VM a wrapper shell started in the background; killIfAlive ends it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-beam-'));
  // A stand-in VM: any binary whose process name starts with "beam".
  const fake = path.join(dir, 'beam.smp');
  fs.copyFileSync('/bin/sleep', fake);
  fs.chmodSync(fake, 0o755);
  const shell = spawn('/bin/sh', ['-c', `${fake} 30 & wait`], { stdio: 'ignore' });
  try {
    let beam: number | undefined;
    for (let i = 0; i < 50 && beam === undefined; i++) {
      beam = findBeam(shell.pid!);
      if (beam === undefined) await new Promise((r) => setTimeout(r, 20)); // until the shell has forked
    }
    expect(beam).toBeGreaterThan(0);
    expect(beam).not.toBe(shell.pid);
    shell.kill('SIGKILL'); // the wrapper dies; the VM would outlive it
    killIfAlive(beam);
    // Gone = no such process, or a zombie waiting to be reaped (it runs nothing).
    const gone = () => {
      try { return /\) Z/.test(fs.readFileSync(`/proc/${beam}/stat`, 'utf8')); } catch { return true; }
    };
    for (let i = 0; i < 50 && !gone(); i++) await new Promise((r) => setTimeout(r, 20));
    expect(gone()).toBe(true);
  } finally {
    shell.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
