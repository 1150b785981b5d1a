// Brokers through the container driver on images built locally from Debian's packages: RabbitMQ
// (.ci/build-rabbitmq-image.sh) and the trixie versions ActiveMQ 5.17.6 and ejabberd 24.12
// (.ci/build-trixie-image.sh activemq ejabberd); CI builds them. Needs a container engine (DOCKER_HOST).
import { expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { activemqTarget } from '../lib/targets/activemq-target.ts';
import { ejabberdTarget } from '../lib/targets/ejabberd-target.ts';
import { versionOffers } from '../lib/targets/target-versions.ts';
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

// One run, both images, smoke only: proves each image starts with the harness's config (users, ACL,
// TLS and mTLS listeners from the run's PKI) and is removed afterwards. 41 s here at load average 24; every default
// suite on each is a manual run (docs/targets.md).
test('activemq@5.17.6 and ejabberd@24.12: smoke through the CLI on their trixie images, strict expectations; containers removed', async (ctx) => {
  await needEngine(ctx);
  const offers = [[activemqTarget, '5.17.6'], [ejabberdTarget, '24.12']] as const;
  const images = offers.map(([t, version]) => {
    const offer = versionOffers(t).find((o) => o.version === version && o.driver === 'container');
    expect(offer?.image, `.ci/trixie/${t.name}.recipe names ${version}`).toBeDefined();
    needImage(ctx, offer!.image!, `.ci/build-trixie-image.sh ${t.name}`);
    return offer!.image!;
  });
  const run = await runHarness(['--target', 'activemq@5.17.6,ejabberd@24.12', '--suite', 'smoke', '--strict-expectations'], { timeoutMs: 240_000 });
  expect(run.code, run.stderr.slice(-3000)).toBe(0);
  const doc = run.results!;
  expect(doc.targets.map((t) => [t.label, t.driver, t.image, t.brokerVersion])).toEqual([
    ['activemq@5.17.6', 'container', images[0], '5.17.6'],
    ['ejabberd@24.12', 'container', images[1], '24.12'],
  ]);
  for (const label of ['activemq@5.17.6', 'ejabberd@24.12']) {
    const mine = doc.tests.filter((t) => t.target === label);
    expect(mine.filter((t) => t.status === 'failed' || t.status === 'error'), label).toEqual([]);
    // The TLS and mTLS round trips ran: the run's PKI reached the broker inside the container.
    expect(mine.filter((t) => t.status === 'passed').map((t) => t.id).join('\n'), label).toMatch(/mtls/);
  }
  expect(containersOfRun(doc.run.id)).toEqual([]);
}, 300_000);
