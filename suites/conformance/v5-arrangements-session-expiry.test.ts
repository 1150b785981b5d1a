// MQTT 5.0 rules that depend on when the session ends, tried with Session Expiry 0 (absent or
// explicit: the session ends when the connection closes) and > 0, set in CONNECT or changed on
// DISCONNECT. Will: "The Server delays publishing the Client's Will Message until the Will Delay
// Interval has passed or the Session ends, whichever happens first" (3.1.3.2.2, MQTT-3.1.2-8), so
// with Session Expiry 0 the Will goes out at the close, not after its delay; a reconnect within the
// delay suppresses it (MQTT-3.1.3-9). Queued messages: only a session that outlives its connection
// has any (MQTT-3.1.2-23, MQTT-4.1.0-2). Waiting out an interval is the stimulus; absence is proven
// with a stated quiet window, and times are checked against generous bounds (shared machine).
import { describe } from 'vitest';
import type { IConnectPacket, IPublishPacket } from 'mqtt-packet';
import { uniqueId, WaitTimeoutError } from '../../lib/mqtt/test-client.ts';
import { forProtocol5, v5Test, type ConformanceEnv } from '../support/conformance.ts';
import { publishV5, subscribeV5 } from '../support/conformance-flow.ts';
import type { RawClient } from '../../lib/mqtt/raw-client.ts';

async function watcher(env: ConformanceEnv, topic: string): Promise<RawClient> {
  const w = await env.connect();
  await subscribeV5(w.client, [{ topic, qos: 1 }]);
  w.client.startAutoAck();
  return w.client;
}

const isWill = (topic: string) => (p: { cmd: string; topic?: string }) => p.cmd === 'publish' && p.topic === topic;

/** Milliseconds until the Will arrives, or undefined if it does not within timeoutMs. */
async function willAfter(w: RawClient, topic: string, t0: number, timeoutMs: number): Promise<number | undefined> {
  try {
    await w.log.next(isWill(topic), timeoutMs, 'the Will');
    return Date.now() - t0;
  } catch (e) {
    if (e instanceof WaitTimeoutError) return undefined;
    throw e;
  }
}

interface WillCase {
  key: string;
  title: string;
  connect: { sessionExpiryInterval?: number };
  willDelaySec: number;
  /** How the connection ends: dropped, or DISCONNECT 0x04 (with Will) with optional properties. */
  end: { drop: true } | { reasonCode: 0x04; sessionExpiryInterval?: number };
  /** The Will is due this many ms after the end (when the session ends or the delay passes). */
  dueMs: number;
}

const WILL_CASES: WillCase[] = [
  { key: 'expiry-absent.drop', title: 'Session Expiry absent, Will Delay 10 s, connection dropped: the session ends at the close, so the Will is published then',
    connect: {}, willDelaySec: 10, end: { drop: true }, dueMs: 0 },
  { key: 'expiry-0.drop', title: 'Session Expiry 0, Will Delay 10 s, connection dropped: the Will is published at the close',
    connect: { sessionExpiryInterval: 0 }, willDelaySec: 10, end: { drop: true }, dueMs: 0 },
  { key: 'expiry-0.disconnect-with-will', title: 'Session Expiry 0, Will Delay 10 s, DISCONNECT 0x04: the Will is published at the disconnect',
    connect: { sessionExpiryInterval: 0 }, willDelaySec: 10, end: { reasonCode: 0x04 }, dueMs: 0 },
  { key: 'expiry-set-0-on-disconnect', title: 'Session Expiry 60 s changed to 0 on DISCONNECT 0x04, Will Delay 10 s: the session ends there, and the Will is published',
    connect: { sessionExpiryInterval: 60 }, willDelaySec: 10, end: { reasonCode: 0x04, sessionExpiryInterval: 0 }, dueMs: 0 },
  { key: 'expiry-shorter-than-delay', title: 'Session Expiry 2 s, Will Delay 30 s, connection dropped: the Will is published when the session ends (2 s)',
    connect: { sessionExpiryInterval: 2 }, willDelaySec: 30, end: { drop: true }, dueMs: 2000 },
  { key: 'delay-shorter-than-expiry', title: 'Session Expiry 30 s, Will Delay 2 s, connection dropped: the Will is published after its delay (2 s), not before',
    connect: { sessionExpiryInterval: 30 }, willDelaySec: 2, end: { drop: true }, dueMs: 2000 },
];

/** Slack beyond the due time before a Will counts as late (the shared machine, broker timer sweeps). */
const LATE_MS = 2500;

forProtocol5(() => {
  describe.concurrent('arrangements: Will Delay and Session Expiry', () => {
    for (const c of WILL_CASES) {
      v5Test(`v5.arrangements.will.${c.key}`, ['MQTT-3.1.2-8', 'MQTT-3.1.2-10', ...('drop' in c.end ? [] : ['MQTT-3.14.4-3'])], c.title, async (env) => {
        const topic = `${uniqueId('t')}/will`;
        const w = await watcher(env, topic);
        const { client } = await env.connect({
          ...(c.connect.sessionExpiryInterval !== undefined ? { properties: { sessionExpiryInterval: c.connect.sessionExpiryInterval } } : {}),
          will: { topic, payload: Buffer.from(c.key), qos: 1, retain: false, properties: { willDelayInterval: c.willDelaySec } },
        });
        const t0 = Date.now();
        if ('drop' in c.end) client.destroy();
        else client.disconnect(c.end.reasonCode, c.end.sessionExpiryInterval !== undefined ? { sessionExpiryInterval: c.end.sessionExpiryInterval } : undefined);
        const dueBy = c.dueMs + LATE_MS;
        const after = await willAfter(w, topic, t0, dueBy);
        if (after === undefined) {
          // Say what the broker did instead: waited for the Will Delay, or never published.
          const later = await willAfter(w, topic, t0, c.willDelaySec * 1000 + LATE_MS - (Date.now() - t0));
          throw new Error(`Will not published within ${dueBy} ms (due ${c.dueMs} ms after the close, when ${c.dueMs === 0 ? 'the session ends' : 'the first of session end and Will Delay comes'}); ${later === undefined ? `not published within the ${c.willDelaySec} s Will Delay either` : `published after ${later} ms, i.e. after the Will Delay`}`);
        }
        if (c.dueMs > 0) env.ctx.expect(after, `Will published before it was due (${c.dueMs} ms)`).toBeGreaterThanOrEqual(c.dueMs - 300);
        await w.log.quiet(400);
        env.ctx.expect(w.log.packets.filter(isWill(topic)).length, 'Will publications').toBe(1);
        env.note(`Will ${after} ms after the close (due ${c.dueMs} ms)`);
      }, { timeoutMs: 45_000 });
    }

    // The reconnect must land well within the Will Delay for the statement to be checked: 4 s leaves a
    // loaded machine (or a broker slow to answer CONNECT) room, and a reconnect that still took longer
    // makes the test not-applicable rather than a false failure.
    const WILL_DELAY_S = 4;
    for (const cleanStart of [false, true]) {
      v5Test(`v5.arrangements.will.reconnect-before-delay.clean-start-${cleanStart ? 1 : 0}`, ['MQTT-3.1.3-9', 'MQTT-3.1.2-8'],
        `Session Expiry 30 s, Will Delay ${WILL_DELAY_S} s, reconnect with Clean Start ${cleanStart ? 1 : 0} within the delay: ${cleanStart ? 'the Will is suppressed, or published because Clean Start 1 ends the old session (recorded)' : 'the Will is not published'}`, async (env) => {
          const topic = `${uniqueId('t')}/will-rc`;
          const w = await watcher(env, topic);
          const clientId = uniqueId('wr');
          const c = await env.connect({ clientId, properties: { sessionExpiryInterval: 30 }, will: { topic, payload: 'x', qos: 1, retain: false, properties: { willDelayInterval: WILL_DELAY_S } } });
          const closedAt = Date.now();
          c.client.destroy();
          await c.client.expectClose();
          const again = await env.connect({ clientId, clean: cleanStart, properties: { sessionExpiryInterval: 0 } });
          const reconnectMs = Date.now() - closedAt;
          env.ctx.expect(again.connack.reasonCode ?? 0, 'CONNACK reason').toBe(0);
          if (reconnectMs >= (WILL_DELAY_S - 1) * 1000) env.notApplicable(`the reconnect took ${reconnectMs} ms, not clearly within the Will Delay of ${WILL_DELAY_S} s, so whether a Will may follow cannot be judged`);
          await w.log.quiet(WILL_DELAY_S * 1000 + 800);
          const published = w.log.packets.some(isWill(topic));
          env.note(`reconnected ${reconnectMs} ms after the close; Will ${published ? 'published' : 'not published'} within ${WILL_DELAY_S * 1000 + 800} ms after`);
          if (!cleanStart) env.ctx.expect(published, 'Will published despite a reconnect to the session within the Will Delay').toBe(false);
          // Clean Start 1 both opens a new connection for the Client Id within the delay (3.1.2-8:
          // not published) and ends the existing session (3.1.3.2.2: published at session end).
          else env.behaviour(published ? 'Will published (old session ended)' : 'Will suppressed (new connection within the delay)', ['Will published (old session ended)', 'Will suppressed (new connection within the delay)'], ['Will published (old session ended)', 'Will suppressed (new connection within the delay)']);
        }, { timeoutMs: 25_000 });
    }
  });

  describe.concurrent('arrangements: queued messages and Session Expiry', () => {
    interface QueueCase { key: string; connect: Partial<IConnectPacket>; end: 'drop' | 'disconnect' | 'disconnect-expiry-0'; reconnectClean?: boolean; kept: boolean }
    const cases: QueueCase[] = [
      { key: 'expiry-absent.disconnect', connect: {}, end: 'disconnect', kept: false },
      { key: 'expiry-absent.drop', connect: {}, end: 'drop', kept: false },
      { key: 'expiry-0.disconnect', connect: { properties: { sessionExpiryInterval: 0 } }, end: 'disconnect', kept: false },
      { key: 'expiry-0.drop', connect: { properties: { sessionExpiryInterval: 0 } }, end: 'drop', kept: false },
      { key: 'expiry-60.disconnect', connect: { properties: { sessionExpiryInterval: 60 } }, end: 'disconnect', kept: true },
      { key: 'expiry-60.drop', connect: { properties: { sessionExpiryInterval: 60 } }, end: 'drop', kept: true },
      { key: 'expiry-60.disconnect-sets-0', connect: { properties: { sessionExpiryInterval: 60 } }, end: 'disconnect-expiry-0', kept: false },
      { key: 'expiry-60.reconnect-clean-start', connect: { properties: { sessionExpiryInterval: 60 } }, end: 'disconnect', reconnectClean: true, kept: false },
    ];
    for (const c of cases) {
      const ids = c.reconnectClean ? ['MQTT-3.1.2-4', 'MQTT-3.2.2-2'] : c.kept ? ['MQTT-3.1.2-23', 'MQTT-3.1.2-5', 'MQTT-3.2.2-3', 'MQTT-4.5.0-1'] : ['MQTT-3.1.2-23', 'MQTT-4.1.0-2', 'MQTT-3.2.2-3'];
      v5Test(`v5.arrangements.queue.${c.key}`, ids,
        `${c.key.replace(/\./g, ', ')}: ${c.kept ? 'Session Present 1 and the QoS 1 (exact filter) and QoS 2 (+ filter) messages queued' : 'Session Present 0 and nothing queued'}`, async (env) => {
          const clientId = uniqueId('sq');
          const base = `${uniqueId('t')}/q`;
          const first = await env.connect({ clientId, clean: true, ...c.connect });
          await subscribeV5(first.client, [{ topic: `${base}/e`, qos: 2 }, { topic: `${base}/w/+`, qos: 2 }]);
          if (c.end === 'drop') first.client.destroy();
          else first.client.disconnect(0, c.end === 'disconnect-expiry-0' ? { sessionExpiryInterval: 0 } : undefined);
          await first.client.expectClose();
          const pub = await env.connect();
          await publishV5(pub.client, `${base}/e`, 'exact-q1', { qos: 1 });
          await publishV5(pub.client, `${base}/w/x`, 'wild-q2', { qos: 2 });
          const again = await env.connect({ clientId, clean: c.reconnectClean ?? false, properties: { sessionExpiryInterval: 0 } });
          again.client.startAutoAck();
          env.ctx.expect(again.connack.sessionPresent, 'Session Present').toBe(c.kept);
          const delivered = (payload: string) => again.client.log.next<IPublishPacket>((p) => p.cmd === 'publish' && p.payload.toString() === payload, 3000, payload);
          if (c.kept) {
            env.ctx.expect((await delivered('exact-q1')).qos, 'QoS of the queued exact-filter message').toBe(1);
            env.ctx.expect((await delivered('wild-q2')).qos, 'QoS of the queued +-filter message').toBe(2);
          } else {
            await again.client.log.quiet(600);
            env.ctx.expect(again.client.log.packets.filter((p) => p.cmd === 'publish').map((p) => String(p.payload)), 'messages queued for a session that had ended').toEqual([]);
          }
        });
    }
  });
});
