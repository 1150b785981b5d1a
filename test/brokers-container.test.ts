// RabbitMQ through the container driver on an image built locally from Debian's package
// (.ci/build-rabbitmq-image.sh; CI builds it). Needs a container engine (DOCKER_HOST).
import { expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { LOCAL_RABBITMQ_IMAGE, needEngine, needImage } from './support/requirements.ts';
import { runHarness } from './support/run-harness.ts';


function containersOfRun(runId: string): string[] {
  const r = spawnSync('podman', ['ps', '-a', '--filter', `label=mqtt-harness.run=${runId}`, '--format', '{{.ID}}'], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean);
}

test('rabbitmq: smoke end to end through --driver container on the locally built image; container removed', async (ctx) => {
  await needEngine(ctx);
  needImage(ctx, LOCAL_RABBITMQ_IMAGE, '.ci/build-rabbitmq-image.sh');
  const run = await runHarness(['--target', 'rabbitmq', '--driver', 'container', '--image', LOCAL_RABBITMQ_IMAGE, '--suite', 'smoke'], { timeoutMs: 180_000 });
  expect(run.code, run.stderr).toBe(0);
  const doc = run.results!;
  expect(doc.targets[0]).toMatchObject({ name: 'rabbitmq', driver: 'container', image: LOCAL_RABBITMQ_IMAGE, brokerVersion: '3.10.8' });
  expect(doc.tests.filter((t) => t.status === 'passed').length).toBeGreaterThanOrEqual(4);
  expect(doc.tests.filter((t) => t.status === 'failed' || t.status === 'error')).toEqual([]);
  expect(containersOfRun(doc.run.id)).toEqual([]);
});
