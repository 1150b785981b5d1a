// The small DSL every suite is written in: one suite body, run for each protocol version (and
// listener) the target offers; capabilities gate tests with a `not-applicable` verdict and a reason.
import { describe, inject, beforeEach, type TestContext } from 'vitest';
import type { HarnessContext } from '../../lib/core/harness-context.ts';
import type { Capabilities, ListenerInfo, ListenerName, ProtocolVersion } from '../../lib/core/broker.ts';
import type { Measurement, TestDetail } from '../../lib/results/types.ts';
import { judgeTiming, type TimingInput } from '../../lib/conformance/timing.ts';
import { recordCheck } from './keyed-test.ts';

export function harness(): HarnessContext {
  return inject('harness');
}

/** Registers `describe('mqtt <version>')` for each protocol version under test. */
export function forEachProtocol(body: (protocol: ProtocolVersion, h: HarnessContext) => void): void {
  const h = harness();
  for (const protocol of h.protocols) {
    describe(`mqtt ${protocol}`, () => {
      beforeEach((ctx) => { ctx.task.meta.protocol = protocol; });
      body(protocol, h);
    });
  }
}

/** Marks the running test not-applicable with a reason; never returns. */
export function notApplicable(ctx: TestContext, reason: string): never {
  ctx.task.meta.notApplicable = reason;
  return ctx.skip(reason);
}

type BoolCapability = Exclude<keyof Capabilities, 'notes' | 'protocols' | 'maxQos'>;

export function requireCapability(ctx: TestContext, capability: BoolCapability): void {
  const { capabilities, name } = harness().target;
  if (!capabilities[capability]) {
    notApplicable(ctx, capabilities.notes?.[capability] ?? `${name} does not declare the "${capability}" capability`);
  }
}

export function requireListener(ctx: TestContext, name: ListenerName): ListenerInfo {
  const { listeners, missingListeners, name: target } = harness().target;
  const l = listeners[name];
  if (!l) notApplicable(ctx, `${target} has no working ${name} listener: ${missingListeners[name] ?? 'not offered'}`);
  return l!;
}

export function requireQos(ctx: TestContext, qos: 0 | 1 | 2): void {
  const { capabilities, name } = harness().target;
  if (qos > capabilities.maxQos) notApplicable(ctx, `${name} supports QoS up to ${capabilities.maxQos}`);
}

/**
 * Judges a timing against the specification's bound (and a default run's stated tolerance) and
 * records it in `detail.measured` — plus `detail.tolerated` when only the tolerance let it pass.
 * Counts as a check; fails the test when the value is beyond the bound applied (--strict: the
 * specification's). lib/conformance/timing.ts.
 */
export function measureTiming(ctx: TestContext, input: TimingInput): Measurement {
  const { measured, problem, tolerated } = judgeTiming(input, harness().strict);
  const detail: TestDetail = { ...ctx.task.meta.detail, measured, ...(tolerated ? { tolerated } : {}) };
  // TaskMeta.detail (lib/core) is the narrower shape; lib/run/vitest-runner.ts copies it whole.
  ctx.task.meta.detail = detail as typeof ctx.task.meta.detail;
  recordCheck(ctx);
  if (problem) throw new Error(problem);
  return measured;
}
