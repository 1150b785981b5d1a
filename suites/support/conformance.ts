// The conformance DSL: every test in suites/conformance/ registers through conformanceTest (or v5Test)
// with its stable key (docs/test-keys.md) and the statement ids it checks, and receives an env that
// opens tracked connections and judges allowed behaviours (--strict is judged here only).
//
// 3.1.1-and-5 files call conformanceTest inside forEachProtocol; the test is registered only for the
// versions listed in `ids` (an empty list = runs, checks no statement of that version yet), named
// `[MQTT-3.1.3-8] rejects ...`. MQTT 5-only files call v5Test inside forProtocol5, named
// `[MQTT-a] [MQTT-b] ...` (each id in its own brackets; both forms stay so result ids do not move).
import { describe, beforeEach, TestRunner, type TestContext } from 'vitest';
import type { IConnackPacket, IConnectPacket } from 'mqtt-packet';
import type { HarnessContext } from '../../lib/core/harness-context.ts';
import type { ListenerInfo, ProtocolVersion } from '../../lib/core/broker.ts';
import { RawClient } from '../../lib/mqtt/raw-client.ts';
import { WaitTimeoutError } from '../../lib/mqtt/test-client.ts';
import type { Frame } from '../../lib/mqtt/frames.ts';
import { judgeBehaviour, judgeIntended } from '../../lib/conformance/behaviour.ts';
import { harness, measureTiming, notApplicable, requireListener } from './harness.ts';
import type { TimingInput } from '../../lib/conformance/timing.ts';
import type { Measurement } from '../../lib/results/types.ts';
import { keyedTest, recordCheck } from './keyed-test.ts';

export type SpecIds = Partial<Record<ProtocolVersion, string[]>>;
export type ConnectFields = Partial<Omit<IConnectPacket, 'cmd'>>;

/** A behaviour whose name carries values: the test's assertions made sure it is allowed. */
export interface IntendedRule {
  /** Whether the observed behaviour is the one the specification intends. */
  intended: boolean;
  /** The intended behaviour, for the --strict message. */
  intends: string;
}

export interface ConformanceEnv {
  ctx: TestContext;
  protocol: ProtocolVersion;
  h: HarnessContext;
  /** The plain TCP listener (the one --fault wraps with the proxy), or ws/wss under MQTT_HARNESS_CONFORMANCE_LISTENER. */
  listener: ListenerInfo;
  strict: boolean;
  /**
   * Records which of the behaviours the specification allows the broker chose. Fails when the
   * observed one is not allowed, and under --strict when it is not the intended one.
   */
  behaviour(observed: string, allowed: readonly string[], intended: string | readonly string[]): void;
  behaviour(observed: string, rule: IntendedRule): void;
  /** Records an observation the specification leaves to the broker (no verdict), e.g. its in-flight window. */
  note(observed: string): void;
  /**
   * Ends the test `not-applicable`: this broker gives the test nothing to check. The reason names what
   * the broker announced or did ("announces no Maximum Packet Size (CONNACK), so no packet is too large").
   */
  notApplicable(reason: string): never;
  /** Judges and records a timing (detail.measured, detail.tolerated); --strict applies the specification's bound. */
  measure(input: TimingInput): Measurement;
  /**
   * Awaits a packet the statement requires (the wait carries its own bound, e.g. nextPublish). If the
   * bound runs out, the test fails on an assertion that names what was missing and what `client` did
   * receive, rather than on the wait timeout: the packet's absence is what the statement forbids.
   */
  expectPacket<T>(client: RawClient | undefined, wait: Promise<T>, what: string): Promise<T>;
  /** Opens a raw client on the plain listener without sending CONNECT; destroyed when the test finishes. */
  open(): Promise<RawClient>;
  /** Opens a raw client and sends CONNECT; resolves with the CONNACK whatever its code. Destroyed when the test finishes. */
  connect(fields?: ConnectFields): Promise<{ client: RawClient; connack: IConnackPacket }>;
}

export interface ConformanceOptions {
  timeoutMs?: number;
}

type Body = (env: ConformanceEnv) => Promise<void>;

/** The protocol of the enclosing `describe('mqtt <version>')` registered by forEachProtocol or forProtocol5. */
export function currentProtocol(): ProtocolVersion {
  let suite = TestRunner.getCurrentSuite() as { name: string; suite?: unknown } | undefined;
  while (suite) {
    const m = /^mqtt (3\.1\.1|5)$/.exec(suite.name);
    if (m) return m[1] as ProtocolVersion;
    suite = suite.suite as typeof suite;
  }
  throw new Error('conformanceTest must be called inside forEachProtocol(...) or forProtocol5(...)');
}

/**
 * Registers `describe('mqtt 5')` whenever the run asked for protocol 5 — also against a target that
 * lacks it, so that every v5 test shows up as `not-applicable` with the reason instead of silently
 * vanishing (aedes 1.x speaks 3.1.1 only).
 */
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

/** A test of a 3.1.1-and-5 file: registered for the protocols `ids` names, named `[id, id] title`. */
export function conformanceTest(key: string, ids: SpecIds, title: string, fn: Body, options: ConformanceOptions = {}): void {
  const protocol = currentProtocol();
  const spec = ids[protocol];
  if (!spec) return;
  const name = spec.length ? `[${spec.join(', ')}] ${title}` : title;
  register(key, name, protocol, spec, fn, options.timeoutMs ?? 15_000);
}

/**
 * A test of an MQTT 5-only file (inside forProtocol5), named `[id] [id] title`. Section references
 * like "§4.8.2" (behaviour the spec states without a statement id) go in the name only.
 */
export function v5Test(key: string, ids: string[], title: string, fn: Body, options: ConformanceOptions = {}): void {
  register(key, `${ids.map((i) => `[${i}]`).join(' ')} ${title}`, '5', ids, fn, options.timeoutMs);
}

function register(key: string, name: string, protocol: ProtocolVersion, spec: string[], fn: Body, timeoutMs: number | undefined): void {
  keyedTest(key, name, { spec, ...(timeoutMs ? { timeoutMs } : {}) }, async (ctx) => {
    const h = harness();
    const listener = withRunCa(requireListener(ctx, conformanceListener()), h);
    await fn(environment(ctx, protocol, h, listener));
  });
}

/** Listeners the conformance suite can run over: anonymous, no client certificate. */
const CONFORMANCE_LISTENERS = ['plain', 'ws', 'wss'] as const;

/**
 * The listener every conformance connection uses: `plain`, or MQTT over WebSocket when the run sets
 * MQTT_HARNESS_CONFORMANCE_LISTENER=ws (or wss), so the whole suite runs over that transport.
 * `--fault` wraps the plain listener only.
 */
export function conformanceListener(): (typeof CONFORMANCE_LISTENERS)[number] {
  const name = process.env['MQTT_HARNESS_CONFORMANCE_LISTENER'] ?? 'plain';
  const known = CONFORMANCE_LISTENERS.find((n) => n === name);
  if (!known) throw new Error(`MQTT_HARNESS_CONFORMANCE_LISTENER=${name}: must be one of ${CONFORMANCE_LISTENERS.join(', ')}`);
  return known;
}

/** A managed broker's TLS listener is trusted through the run's CA (an external one names its own caFile). */
function withRunCa(listener: ListenerInfo, h: HarnessContext): ListenerInfo {
  return listener.tls && !listener.caFile && h.pki ? { ...listener, caFile: h.pki.caRootCert } : listener;
}

function environment(ctx: TestContext, protocol: ProtocolVersion, h: HarnessContext, listener: ListenerInfo): ConformanceEnv {
  const note = (observed: string) => {
    ctx.task.meta.detail = { ...ctx.task.meta.detail, behaviour: observed };
  };
  // One cleanup for every connection the test opens, registered before the body runs: vitest runs
  // onTestFinished handlers last-registered first, so this one runs after the test's own cleanups
  // (which may open connections of their own, and may not register handlers inside a handler).
  const clients: RawClient[] = [];
  ctx.onTestFinished(() => { for (const c of clients) c.destroy(); });
  const open = async () => {
    const client = await RawClient.openListener(listener, protocol);
    clients.push(client);
    // A client must not send a PUBLISH above the Maximum QoS the server announced [MQTT-3.2.2-11]:
    // a test whose step needs that QoS cannot run its statement on this broker (not a failure).
    client.beforeSend = (p) => {
      const max = client.announcedMaxQos;
      if (p.cmd === 'publish' && max !== undefined && (p.qos ?? 0) > max) {
        notApplicable(ctx, `${h.target.name} announced Maximum QoS ${max} in CONNACK; a client must not send a QoS ${p.qos} PUBLISH [MQTT-3.2.2-11], so this QoS ${p.qos} step cannot run`);
      }
    };
    return client;
  };
  return {
    ctx,
    protocol,
    h,
    listener,
    strict: h.strict,
    behaviour(observed: string, allowed: readonly string[] | IntendedRule, intended?: string | readonly string[]) {
      note(observed);
      recordCheck(ctx); // a judgement: with --strict or an unallowed behaviour it fails the test
      const problem = 'intends' in allowed
        ? judgeIntended(observed, allowed.intended, allowed.intends, h.strict)
        : judgeBehaviour(observed, allowed, intended ?? [], h.strict);
      if (problem) throw new Error(problem);
    },
    note,
    async expectPacket<T>(client: RawClient | undefined, wait: Promise<T>, what: string): Promise<T> {
      try {
        return await wait;
      } catch (e) {
        if (!(e instanceof WaitTimeoutError)) throw e;
        const seen = client?.received.slice(-8).map(describeFrame).join(', ') || 'nothing';
        return ctx.expect.fail(`${what} did not arrive (${e.message}); the client received: ${seen}`);
      }
    },
    notApplicable: (reason: string) => notApplicable(ctx, reason),
    measure: (input: TimingInput) => measureTiming(ctx, input),
    open,
    async connect(fields = {}) {
      const client = await open();
      const connack = await client.connect(fields);
      return { client, connack };
    },
  };
}

function describeFrame(f: Frame): string {
  const p = f.packet;
  if (p?.cmd === 'publish') return `PUBLISH ${p.topic} qos ${p.qos}${p.messageId ? ` id ${p.messageId}` : ''}`;
  return p?.cmd.toUpperCase() ?? f.bytes.toString('hex');
}
