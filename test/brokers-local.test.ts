// RabbitMQ, ejabberd and ActiveMQ for real through the CLI, local driver (needs Debian's
// rabbitmq-server, ejabberd, activemq and libmqtt-client-java packages; CI installs them). Also proves
// a broker leaves nothing running — an Erlang broker's epmd included — after a normal run and after a
// failed start.
import { describe, expect, test } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { needBinary } from './support/requirements.ts';
import { runHarness } from './support/run-harness.ts';
import { processesMatching } from './support/processes.ts';
import { ejabberdTarget } from '../lib/targets/ejabberd-target.ts';
import { startEpmd } from '../lib/drivers/erlang-node.ts';

const leftovers = () => processesMatching(/harness-(rabbitmq|ejabberd)-[0-9a-f]{6}|epmd -port \d+ -address 127\.0\.0\.1|-Dactivemq\.base=\S*mqtt-harness-/);

test('the leftover check sees a running harness epmd (so it can fail)', async (ctx) => {
  needBinary(ctx, 'epmd', 'erlang-base');
  const epmd = await startEpmd('selftest');
  try {
    expect(leftovers().some((p) => p.cmd.endsWith(`epmd -port ${epmd.port} -address 127.0.0.1`))).toBe(true);
  } finally {
    await epmd.stop();
  }
});

describe.each([
  { target: 'rabbitmq', pkg: 'rabbitmq-server', bin: 'rabbitmq-server', passedAtLeast: 4, runMs: 240_000 },
  { target: 'ejabberd', pkg: 'ejabberd', bin: 'ejabberdctl', passedAtLeast: 12, runMs: 240_000 },
  // A JVM: 2–3 min for every default suite here, 4 min with the machine's load average at 27.
  { target: 'activemq', pkg: 'activemq libmqtt-client-java', bin: 'activemq', passedAtLeast: 12, runMs: 420_000 },
])('$target (local driver)', ({ target, pkg, bin, passedAtLeast, runMs }) => {
  test('smoke passes and every default suite runs through the real CLI, exit 0 with its expectations; nothing is left running', async (ctx) => {
    needBinary(ctx, bin, pkg);
    const before = leftovers().map((p) => p.pid);
    // --strict-expectations: an entry whose test passes now fails this run (the project's CI prunes stale entries).
    const run = await runHarness(['--target', target, '--driver', 'local', '--strict-expectations'], { timeoutMs: runMs });
    const tests = run.results!.tests;
    const bad = tests.filter((t) => t.status === 'failed' || t.status === 'error');
    expect(bad.map((t) => `${t.protocol} ${t.id}: ${t.detail?.reason ?? ''}`)).toEqual([]);
    expect(run.code, run.stderr).toBe(0);
    const smoke = tests.filter((t) => t.suite === 'smoke');
    expect(smoke.filter((t) => t.status === 'passed').length).toBeGreaterThanOrEqual(passedAtLeast);
    expect(smoke.filter((t) => t.status !== 'passed' && t.status !== 'not-applicable')).toEqual([]);
    for (const suite of ['smoke', 'tls', 'auth', 'conformance']) expect(tests.some((t) => t.suite === suite && t.status === 'passed'), `${suite} ran`).toBe(true);
    // Known deviations are excused only with their reason, and every listed entry still names a test.
    for (const t of tests.filter((x) => x.status === 'expected-failure')) expect(t.detail?.expectation?.reason, t.id).toBeTruthy();
    expect(run.results!.targets[0]!.unmatchedExpectations ?? []).toEqual([]);
    expect(run.results!.targets[0]!.staleExpectations ?? []).toEqual([]);
    expect(run.results!.targets[0]).toMatchObject({ name: target, driver: 'local' });
    expect(run.results!.targets[0]!.brokerVersion).toMatch(/^\d+\.\d+/);
    expect(leftovers().filter((p) => !before.includes(p.pid))).toEqual([]);
  }, runMs + 60_000);
});

test('ejabberd: a start that fails (unreadable certificate) reports the reason and stops its epmd', async (ctx) => {
  needBinary(ctx, 'ejabberdctl', 'ejabberd');
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-ejabberd-fail-'));
  const before = leftovers().map((p) => p.pid);
  try {
    const missing = path.join(workDir, 'does-not-exist.pem');
    const start = ejabberdTarget.drivers.local!.start({
      target: ejabberdTarget.name,
      runId: 'selftest',
      assets: { workDir, logFile: path.join(workDir, 'broker.log'), pki: { caFile: missing, serverCertFile: missing, serverKeyFile: missing } },
    });
    await expect(start).rejects.toThrow(/ejabberd/);
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  expect(leftovers().filter((p) => !before.includes(p.pid))).toEqual([]);
});
