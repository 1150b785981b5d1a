// The one way a suite registers a test: with its stable key (docs/test-keys.md) and the statement
// ids it checks, both as task metadata. The name is shown to people; the key is what results,
// expectations, findings and baselines point at. The conformance DSL builds on this.
import { test, type TestContext } from 'vitest';

/** `<area>.<name>[.<variant>]`: lower-case dot-separated segments of [a-z0-9-], at least two. */
export const KEY_FORM = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$/;

export interface KeyedTestOptions {
  /** Normative statement ids the test checks (MQTT-x.y.z-n); section references stay in the name. */
  spec?: string[];
  timeoutMs?: number;
}

export function assertKey(key: string): void {
  if (!KEY_FORM.test(key)) throw new Error(`test key "${key}" is not of the form <area>.<name> (lower-case [a-z0-9-] segments joined by dots)`);
}

export function keyedTest(key: string, name: string, options: KeyedTestOptions, fn: (ctx: TestContext) => Promise<void> | void): void {
  assertKey(key);
  const spec = (options.spec ?? []).filter((i) => i.startsWith('MQTT-'));
  test(name, { meta: { key, spec }, ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}) }, fn);
}
