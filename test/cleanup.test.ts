// Nothing is left running: no broker process, container or temp directory after a normal run, after
// a failing run (the broker killed under the suites), and after SIGINT in the middle of a run.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { describe, expect, test } from 'vitest';
import { runHarness, type HarnessRun } from './support/run-harness.ts';
import { LOCAL_MOSQUITTO_IMAGE, needBinary, needEngine, needImage } from './support/requirements.ts';

function runIdOf(r: HarnessRun): string {
  const id = /run (\d{8}-\d{6}-[0-9a-f]{4})/.exec(r.stderr)?.[1];
  expect(id, r.stderr).toBeDefined();
  return id!;
}

function leftovers(runId: string): { processes: string[]; tempDirs: string[] } {
  const ps = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return {
    processes: ps.split('\n').filter((l) => l.includes(runId)),
    tempDirs: fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith(`mqtt-harness-${runId}`)),
  };
}

function containersOf(runId: string): string[] {
  const out = execFileSync('podman', ['ps', '-a', '--filter', `label=mqtt-harness.run=${runId}`, '--format', '{{.ID}}'], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

describe('nothing is left running', () => {
  test('after a normal run (mosquitto and aedes local)', async (ctx) => {
    needBinary(ctx, 'mosquitto');
    const r = await runHarness(['--target', 'mosquitto,aedes', '--driver', 'local', '--suite', 'smoke']);
    expect(r.code, r.stderr).toBe(0);
    expect(leftovers(runIdOf(r))).toEqual({ processes: [], tempDirs: [] });
  });

  test('after a failing run: the broker dies under the suites → error results with its log, no hang', async (ctx) => {
    needBinary(ctx, 'mosquitto');
    let killed = 0;
    const t0 = Date.now();
    const r = await runHarness(['--target', 'mosquitto', '--driver', 'local', '--suite', 'smoke'], {
      onOutput: {
        when: /ready in \d+ ms \(pid \d+\)/,
        then: (_child, stderr) => {
          killed = Number(/\(pid (\d+)\)/.exec(stderr)?.[1]);
          process.kill(killed, 'SIGKILL');
        },
      },
      timeoutMs: 90_000,
    });
    expect(killed).toBeGreaterThan(0);
    expect(r.code, r.stderr).toBe(1);
    expect(Date.now() - t0).toBeLessThan(60_000);
    const tests = r.results!.tests.filter((t) => t.status !== 'not-applicable');
    expect(tests.length).toBeGreaterThan(0);
    for (const t of tests) {
      expect(t.status, t.id).toBe('error');
      expect(t.detail?.reason).toMatch(/broker stopped during the run/);
      expect(t.detail?.brokerLog).toMatch(/mosquitto version 2\.\d+\.\d+ running/);
    }
    expect(leftovers(runIdOf(r))).toEqual({ processes: [], tempDirs: [] });
  });

  test('after SIGINT in the middle of a run (local): exit 130, no process, no temp dir, no partial report', async (ctx) => {
    needBinary(ctx, 'mosquitto');
    const r = await runHarness(['--target', 'mosquitto', '--driver', 'local', '--suite', 'smoke'], {
      onOutput: { when: /ready in \d+ ms/, then: (child) => child.kill('SIGINT') },
    });
    expect(r.code).toBe(130);
    expect(r.results).toBeUndefined();
    const runId = runIdOf(r);
    expect(leftovers(runId), r.stderr).toEqual({ processes: [], tempDirs: [] });
    expect(fs.existsSync(`${r.reportDir}/${runId}`)).toBe(false);
  });

  test('after SIGINT in the middle of a run (container): the container is removed', async (ctx) => {
    await needEngine(ctx);
    needImage(ctx, LOCAL_MOSQUITTO_IMAGE, '.ci/build-mosquitto-image.sh');
    const r = await runHarness(['--target', 'mosquitto', '--driver', 'container', '--image', LOCAL_MOSQUITTO_IMAGE, '--suite', 'smoke'], {
      onOutput: { when: /ready in \d+ ms/, then: (child) => child.kill('SIGINT') },
    });
    expect(r.code).toBe(130);
    const runId = runIdOf(r);
    expect(containersOf(runId)).toEqual([]);
    expect(leftovers(runId).tempDirs).toEqual([]);
  });

  test('after a normal container run the container is removed', async (ctx) => {
    await needEngine(ctx);
    needImage(ctx, LOCAL_MOSQUITTO_IMAGE, '.ci/build-mosquitto-image.sh');
    const r = await runHarness(['--target', 'mosquitto', '--driver', 'container', '--image', LOCAL_MOSQUITTO_IMAGE, '--suite', 'smoke']);
    expect(r.code, r.stderr).toBe(0);
    expect(containersOf(runIdOf(r))).toEqual([]);
  });
});
