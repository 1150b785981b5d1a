// The MQTT 5.0 part of the suite DSL. v5 tests register under `mqtt 5` whenever the run asked for
// protocol 5 — also against a target that lacks it, so that every v5 test shows up as
// `not-applicable` with the reason instead of silently vanishing (aedes 1.x speaks 3.1.1 only).
import { describe, beforeEach, test, type TestContext } from 'vitest';
import type { HarnessContext } from '../../lib/core/harness-context.ts';
import type { ListenerInfo } from '../../lib/core/broker.ts';
import { harness, notApplicable, requireListener } from './harness.ts';

/** Registers `describe('mqtt 5')` when the run asked for MQTT 5; tests are not-applicable if the target lacks it. */
export function forProtocol5(body: (h: HarnessContext) => void): void {
  const h = harness();
  const requested = h.requestedProtocols ?? h.protocols;
  if (!requested.includes('5')) return;
  // Sequential within a file (tests register cleanup with onTestFinished); files run in parallel.
  describe('mqtt 5', () => {
    beforeEach((ctx) => {
      ctx.task.meta.protocol = '5';
      if (!h.protocols.includes('5')) {
        notApplicable(ctx, `${h.target.name} ${h.target.brokerVersion} does not speak MQTT 5.0 (declares ${h.target.capabilities.protocols.join(', ')})`);
      }
    });
    body(h);
  });
}

export type V5TestBody = (ctx: TestContext, plain: ListenerInfo) => Promise<void>;

/**
 * One v5 conformance test: statement ids first in the name and in meta.spec. The body receives the
 * plain listener (every v5 test needs one).
 */
export function v5test(ids: string[], title: string, body: V5TestBody, timeoutMs?: number): void {
  const name = `${ids.map((i) => `[${i}]`).join(' ')} ${title}`;
  // Section references like "§4.8.2" (behaviour the spec states without a statement id) go in the
  // name only: coverage counts statement ids.
  const spec = ids.filter((i) => i.startsWith('MQTT-'));
  test(name, { meta: { spec }, ...(timeoutMs ? { timeout: timeoutMs } : {}) }, async (ctx) => {
    const plain = requireListener(ctx, 'plain');
    await body(ctx, plain);
  });
}

/** Records which of the behaviours the specification allows the broker chose. */
export function behaviour(ctx: TestContext, chosen: string, extra: { expected?: string; actual?: string } = {}): void {
  ctx.task.meta.detail = { ...ctx.task.meta.detail, behaviour: chosen, ...extra };
}

/** --strict: accept only the behaviour the specification intends (SHOULD), not every allowed one. */
export function strict(): boolean {
  return harness().strict;
}
