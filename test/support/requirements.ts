// Self-tests that need a broker binary or a container engine: skipped with an install hint outside
// CI, a failure with CI=true (a missing broker must never pass silently in CI).
import type { TestContext } from 'vitest';
import { spawnSync } from 'node:child_process';
import { findBinary } from '../../lib/drivers/resolve-driver.ts';
import { containerEngineAnswers } from '../../lib/drivers/container-driver.ts';

const inCi = process.env.CI === 'true' || process.env.CI === '1';

function missing(ctx: TestContext, what: string): void {
  if (inCi) throw new Error(`CI=true and ${what}`);
  ctx.skip(what);
}

export function needBinary(ctx: TestContext, binary: string, pkg = binary): string {
  const p = findBinary(binary);
  if (!p) missing(ctx, `${binary} is not installed: apt-get install -y ${pkg}`);
  return p!;
}

/** The locally built image to use for container tests (CI builds it; see .ci/run). */
export const LOCAL_MOSQUITTO_IMAGE = process.env.HARNESS_MOSQUITTO_IMAGE ?? 'localhost/mosquitto:2.0.11';
export const LOCAL_RABBITMQ_IMAGE = process.env.HARNESS_RABBITMQ_IMAGE ?? 'localhost/rabbitmq:3.10.8-debian';

/** A locally built image (no registry here): missing → skip with the build script outside CI, fail in CI. */
export function needImage(ctx: TestContext, image: string, buildScript: string): void {
  if (spawnSync('podman', ['image', 'exists', image]).status !== 0) missing(ctx, `image ${image} is missing: run ${buildScript}`);
}

export async function needEngine(ctx: TestContext): Promise<void> {
  if (!(await containerEngineAnswers(30_000))) { // wide: a loaded 2-core machine answers slowly
    missing(ctx, 'no container engine answers: run .ci/start-podman.sh and export DOCKER_HOST (see README)');
  }
}
