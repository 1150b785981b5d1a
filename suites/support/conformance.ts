// conformanceTest: a test that declares, per protocol version, the normative statements it checks.
// Called inside forEachProtocol; the test is registered only for versions listed in `ids` (an empty
// list = runs, checks no statement of that version yet). Its name starts with the ids, e.g.
// `[MQTT-3.1.3-8] rejects an empty ClientId with CleanSession=0`, and meta.spec carries them.
import { test, TestRunner, type TestContext } from 'vitest';
import type { HarnessContext } from '../../lib/core/harness-context.ts';
import type { ListenerInfo, ProtocolVersion } from '../../lib/core/broker.ts';
import { harness, requireListener } from './harness.ts';
import { judgeBehaviour } from '../../lib/conformance/behaviour.ts';

export type SpecIds = Partial<Record<ProtocolVersion, string[]>>;

export interface ConformanceEnv {
  ctx: TestContext;
  protocol: ProtocolVersion;
  h: HarnessContext;
  /** The plain TCP listener (the one --fault wraps with the proxy). */
  listener: ListenerInfo;
  strict: boolean;
  /**
   * Records which of the behaviours the specification allows the broker chose. Fails when the
   * observed one is not allowed, and under --strict when it is not the intended one.
   */
  behaviour(observed: string, allowed: readonly string[], intended: string): void;
  /** Records an observation the specification leaves to the broker (no verdict), e.g. its in-flight window. */
  note(observed: string): void;
}

export interface ConformanceOptions {
  timeoutMs?: number;
}

/** The protocol of the enclosing `describe('mqtt <version>')` registered by forEachProtocol. */
export function currentProtocol(): ProtocolVersion {
  let suite = TestRunner.getCurrentSuite() as { name: string; suite?: unknown } | undefined;
  while (suite) {
    const m = /^mqtt (3\.1\.1|5)$/.exec(suite.name);
    if (m) return m[1] as ProtocolVersion;
    suite = suite.suite as typeof suite;
  }
  throw new Error('conformanceTest must be called inside forEachProtocol(...)');
}

export function conformanceTest(ids: SpecIds, title: string, fn: (env: ConformanceEnv) => Promise<void>, options: ConformanceOptions = {}): void {
  const protocol = currentProtocol();
  const spec = ids[protocol];
  if (!spec) return;
  const name = spec.length ? `[${spec.join(', ')}] ${title}` : title;
  test(name, { meta: { spec }, timeout: options.timeoutMs ?? 15_000 }, async (ctx) => {
    const h = harness();
    const listener = requireListener(ctx, 'plain');
    const env: ConformanceEnv = {
      ctx,
      protocol,
      h,
      listener,
      strict: h.strict,
      behaviour(observed, allowed, intended) {
        ctx.task.meta.detail = { ...ctx.task.meta.detail, behaviour: observed };
        const problem = judgeBehaviour(observed, allowed, intended, h.strict);
        if (problem) throw new Error(problem);
      },
      note(observed) {
        ctx.task.meta.detail = { ...ctx.task.meta.detail, behaviour: observed };
      },
    };
    await fn(env);
  });
}
