// The one way a suite registers a test: with its stable key (docs/test-keys.md) and the statement
// ids it checks, both as task metadata. The name is shown to people; the key is what results,
// expectations, findings and baselines point at. The conformance DSL builds on this.
import { test, type TestContext } from 'vitest';
import { KEY_FORM, keyFormProblem } from '../../lib/core/test-key.ts';

export { KEY_FORM };

export interface KeyedTestOptions {
  /** Normative statement ids the test checks (MQTT-x.y.z-n); section references stay in the name. */
  spec?: string[];
  timeoutMs?: number;
}

export function assertKey(key: string): void {
  const problem = keyFormProblem(key);
  if (problem) throw new Error(`test ${problem}`);
}

export function keyedTest(key: string, name: string, options: KeyedTestOptions, fn: (ctx: TestContext) => Promise<void> | void): void {
  assertKey(key);
  const spec = (options.spec ?? []).filter((i) => i.startsWith('MQTT-'));
  test(name, { meta: { key, spec }, ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}) }, fn);
}
