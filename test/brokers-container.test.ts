// RabbitMQ through the container driver on an image built locally from Debian's package
// (.ci/build-rabbitmq-image.sh; CI builds it). Needs a container engine (DOCKER_HOST).
import { expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { needEngine } from './support/requirements.ts';
import { runHarness } from './support/run-harness.ts';

export const LOCAL_RABBITMQ_IMAGE = process.env.HARNESS_RABBITMQ_IMAGE ?? 'localhost/rabbitmq:3.10.8-debian';
const inCi = process.env.CI === 'true' || process.env.CI === '1';

function containersOfRun(runId: string): string[] {
  const r = spawnSync('podman', ['ps', '-a', '--filter', `label=mqtt-harness.run=${runId}`, '--format', '{{.ID}}'], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean);
}

test('rabbitmq: smoke end to end through --driver container on the locally built image; container removed', async (ctx) => {
  await needEngine(ctx);
  const exists = spawnSync('podman', ['image', 'exists', LOCAL_RABBITMQ_IMAGE]).status === 0;
  if (!exists) {
    const why = `image ${LOCAL_RABBITMQ_IMAGE} is missing: run .ci/build-rabbitmq-image.sh`;
    if (inCi) throw new Error(`CI=true and ${why}`);
    ctx.skip(why);
  }
  const run = await runHarness(['--target', 'rabbitmq', '--driver', 'container', '--image', LOCAL_RABBITMQ_IMAGE, '--suite', 'smoke'], { timeoutMs: 180_000 });
  expect(run.code, run.stderr).toBe(0);
  const doc = run.results!;
  expect(doc.targets[0]).toMatchObject({ name: 'rabbitmq', driver: 'container', image: LOCAL_RABBITMQ_IMAGE, brokerVersion: '3.10.8' });
  expect(doc.tests.filter((t) => t.status === 'passed').length).toBeGreaterThanOrEqual(4);
  expect(doc.tests.filter((t) => t.status === 'failed' || t.status === 'error')).toEqual([]);
  expect(containersOfRun(doc.run.id)).toEqual([]);
});
