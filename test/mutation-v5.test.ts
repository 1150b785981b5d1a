// The v5 mutation self-test: every MQTT 5.0 fault in lib/faults/v5-faults.ts, injected by the proxy
// in front of a correct Mosquitto, must make its named conformance tests fail — and the same tests
// must pass without the fault. Prints the v5 mutation score. Needs the mosquitto binary.
// The baseline and each fault are their own test with their own harness run and timeout, so one
// fault that hangs or breaks cannot hide the others; the score is printed from the runs that finished.
import { describe, test, expect, afterAll } from 'vitest';
import { runHarness, type HarnessRun } from './support/run-harness.ts';
import { needBinary } from './support/requirements.ts';
import { V5_FAULTS } from '../lib/faults/v5-faults.ts';
import type { TestResult } from '../lib/results/types.ts';
import { recordMutationScore } from './support/mutation-score.ts';
import { boundedConcurrency } from './support/bounded-concurrency.ts';

/** Fault → title fragments of the v5 tests that must catch it (each must fail under the fault). */
export const V5_CATCHERS: Record<string, string[]> = {
  'v5-ignore-no-local': ['No Local: does not send a client its own publications'],
  'v5-drop-user-properties': ['forwards every User Property unaltered'],
  'v5-ignore-topic-alias-mapping': ['maps a client Topic Alias within'],
  'v5-break-retain-handling-2': ['Retain Handling 2: sends no retained'],
  'v5-ignore-retain-as-published': ['Retain As Published: RETAIN forwarded'],
  'v5-shared-to-two-members': ['delivers each message to exactly one member'],
  'v5-forward-expired-messages': ['does not deliver a queued message whose Message Expiry Interval passed'],
  'v5-expiry-not-decremented': ['forwards the remaining Message Expiry Interval'],
  'v5-announce-max-qos1-deliver-qos2': ['honours the Maximum QoS it announces'],
  'v5-ignore-client-receive-maximum': ['counts unacknowledged QoS 2 deliveries'],
  'v5-ignore-client-maximum-packet-size': ['does not send a PUBLISH larger than the client Maximum Packet Size'],
  'v5-topic-alias-beyond-client-maximum': ['sends no Topic Alias to a client without Topic Alias Maximum'],
  'v5-accept-topic-alias-zero': ['treats Topic Alias 0 as a Protocol Error'],
  'v5-drop-subscription-identifier': ['sends the Subscription Identifier of the matching subscription'],
  'v5-ignore-session-expiry': ['keeps the session while Session Expiry Interval runs'],
  'v5-error-disconnect-as-normal': ['treats Topic Alias 0 as a Protocol Error'],
  'v5-session-expiry-on-server-disconnect': ['treats Topic Alias 0 as a Protocol Error'],
  'v5-drop-payload-format-indicator': ['forwards Payload Format Indicator, Content Type'],
  'v5-alter-correlation-data': ['forwards Payload Format Indicator, Content Type'],
  'v5-reason-string-despite-rpi0': ['when Request Problem Information is 0'],
  'v5-will-ignores-delay': ['publishes the Will after its Will Delay Interval'],
  'v5-reuse-assigned-client-id': ['assigns a unique Client Identifier'],
  'v5-unrequested-response-information': ['returns no Response Information'],
};

const BASE_ARGS = ['--target', 'mosquitto', '--driver', 'local', '--suite', 'conformance', '--protocol', '5'];
/** Harness runs at once (as before the split); each run is bounded by RUN_TIMEOUT_MS. */
const slot = boundedConcurrency(3);
const RUN_TIMEOUT_MS = 180_000;
/** vitest's bound on one test: its own run plus the wait for a slot (vitest starts at most 5 at once). */
const TEST_TIMEOUT_MS = 3 * RUN_TIMEOUT_MS;

const named = (run: HarnessRun, fragment: string): TestResult[] =>
  (run.results?.tests ?? []).filter((t) => t.protocol === '5' && t.title.includes(fragment));

const run = (args: string[]) => slot(() => runHarness(args, { timeoutMs: RUN_TIMEOUT_MS }));

describe.concurrent('v5 mutation self-test (fault proxy in front of Mosquitto)', () => {
  /** Per fault whose run finished: whether every catcher fragment had a failing test. */
  const caughtByFault = new Map<string, boolean>();

  afterAll(() => {
    if (!caughtByFault.size) return; // no run finished (mosquitto missing): no score to state
    // Same score as before the split: a fault counts as caught only if its run finished and caught it.
    const caught = V5_FAULTS.filter((f) => caughtByFault.get(f.name) === true);
    const unfinished = V5_FAULTS.length - caughtByFault.size;
    process.stdout.write(`\nv5 mutation score: ${caught.length}/${V5_FAULTS.length} faults caught` +
      `${unfinished ? `; ${unfinished} fault run(s) did not finish or wrote no results, counted as missed` : ''}\n`);
    for (const f of V5_FAULTS) {
      const c = caughtByFault.get(f.name);
      process.stdout.write(`  ${c === undefined ? 'NO RUN' : c ? 'caught' : 'MISSED'}  ${f.name}\n`);
    }
    process.stdout.write(`${recordMutationScore({ protocol: '5', caught: caught.length, injected: V5_FAULTS.length })}\n`);
  });

  test('every v5 fault has named catcher tests, and there are at least 15', () => {
    expect(V5_FAULTS.length).toBeGreaterThanOrEqual(15);
    for (const f of V5_FAULTS) expect(V5_CATCHERS[f.name], `catchers for ${f.name}`).toBeDefined();
  });

  test('without a fault, every catcher test passes', async (ctx) => {
    needBinary(ctx, 'mosquitto');
    const fragments = [...new Set(Object.values(V5_CATCHERS).flat())];
    const baseline = await run([...BASE_ARGS, ...fragments]);
    ctx.expect(baseline.results, baseline.stderr).toBeDefined();
    for (const frag of fragments) {
      const tests = named(baseline, frag);
      ctx.expect(tests.length, `tests named "${frag}"`).toBeGreaterThan(0);
      for (const t of tests) ctx.expect(t.status, `${t.title}: ${t.detail?.reason ?? ''}`).toBe('passed');
    }
  }, TEST_TIMEOUT_MS);

  test.for(V5_FAULTS.map((f) => f.name))('fault %s is caught by its named tests', { timeout: TEST_TIMEOUT_MS }, async (name, ctx) => {
    needBinary(ctx, 'mosquitto');
    const r = await run([...BASE_ARGS, '--fault', name, ...(V5_CATCHERS[name] ?? [])]);
    ctx.expect(r.results, r.stderr).toBeDefined();
    caughtByFault.set(name, (V5_CATCHERS[name] ?? []).every((frag) => named(r, frag).some((t) => t.status === 'failed' || t.status === 'error')));
    for (const frag of V5_CATCHERS[name]!) {
      const tests = named(r, frag);
      ctx.expect(tests.length, `tests named "${frag}" ran`).toBeGreaterThan(0);
      ctx.expect(tests.map((t) => t.status), `"${frag}" under ${name}`).toContain('failed');
    }
  });
});
