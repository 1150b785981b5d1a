// CONNECT/CONNACK beyond the raw vectors: acceptance, session present, sessions keyed by client id,
// takeover of a duplicate client id, zero-length client ids, data after a refused CONNECT.
import { describe } from 'vitest';
import { forEachProtocol } from '../support/harness.ts';
import { conformanceTest } from '../support/conformance.ts';
import type { IConnackPacket } from 'mqtt-packet';
import { connackCode, persistentSession, publish, quietOn, rawClient, receive, subscribe, topicFor, KEEP_ALIVE_TOLERANCE_MS, QUIET_MS, WAIT_MS } from '../support/conformance-flow.ts';
import { uniqueId } from '../../lib/mqtt/test-client.ts';
import { encode } from '../../lib/mqtt/frames.ts';

forEachProtocol(() => {
  describe.concurrent('CONNECT and sessions', () => {
    conformanceTest('connect.plain-accepted', { '3.1.1': ['MQTT-3.1.4-4', 'MQTT-3.2.0-1', 'MQTT-3.2.2-1', 'MQTT-4.1.0-2', 'MQTT-7.0.0-2', 'MQTT-7.1.1-1'], '5': ['MQTT-3.1.4-4', 'MQTT-3.2.0-1', 'MQTT-3.2.2-2'] },
      'a plain CONNECT over TCP is accepted with CONNACK first, Session Present 0, and the session serves pub/sub while connected', async (env) => {
        const client = await env.open();
        const connack = await client.connect({ clean: true });
        env.ctx.expect(client.received[0]?.packet?.cmd, 'first packet from the server').toBe('connack');
        env.ctx.expect(connackCode(connack)).toBe(0);
        env.ctx.expect(connack.sessionPresent, 'Session Present for CleanSession=1').toBe(false);
        const topic = topicFor(env);
        await subscribe(client, [[topic, 1]]);
        await publish(client, topic, 'while-connected', 1);
        const got = await receive(client, topic);
        env.ctx.expect(got.payload.toString()).toBe('while-connected');
      });

    conformanceTest('connect.persistent-session-queues', { '3.1.1': ['MQTT-3.1.2-4', 'MQTT-3.1.2-5', 'MQTT-3.1.3-2', 'MQTT-3.1.4-3', 'MQTT-3.2.2-2', 'MQTT-3.2.2-3', 'MQTT-4.1.0-1', 'MQTT-4.5.0-1'], '5': ['MQTT-3.1.2-5', 'MQTT-3.1.3-2', 'MQTT-3.2.2-3', 'MQTT-4.1.0-1', 'MQTT-4.5.0-1'] },
      'a CleanSession=0 session keeps subscriptions and queues QoS 1/2 messages while the client is away', async (env) => {
        const id = uniqueId('ps');
        const topic = topicFor(env);
        // Start from a known state: no stored session for this id.
        const first = await rawClient(env, persistentSession(env, id));
        env.ctx.expect(first.connack.sessionPresent, 'Session Present with no stored session').toBe(false);
        await subscribe(first.client, [[topic, 2]]);
        first.client.disconnect();
        await first.client.expectClose();
        const { client: pub } = await rawClient(env);
        await publish(pub, topic, 'queued-1', 1);
        await publish(pub, topic, 'queued-2', 2);
        const again = await rawClient(env, persistentSession(env, id));
        env.ctx.expect(again.connack.sessionPresent, 'Session Present when resuming a stored session').toBe(true);
        const m1 = await env.expectPacket(again.client, receive(again.client, topic), 'the first queued message');
        const m2 = await env.expectPacket(again.client, receive(again.client, topic), 'the second queued message');
        // Both queued messages, each at its QoS. Their order is not judged here: ordering is guaranteed
        // per QoS level (4.6), and these two differ (aedes was seen to deliver the QoS 2 one first).
        const byPayload = Object.fromEntries([m1, m2].map((m) => [m.payload.toString(), m.qos]));
        env.ctx.expect(byPayload, 'queued messages and their QoS').toEqual({ 'queued-1': 1, 'queued-2': 2 });
        // The session belongs to that client id only.
        const other = await rawClient(env, persistentSession(env, uniqueId('ps-other')));
        env.ctx.expect(other.connack.sessionPresent, 'Session Present for a different client id').toBe(false);
      });

    conformanceTest('connect.clean-session-discards', { '3.1.1': ['MQTT-3.1.2-6', 'MQTT-3.2.2-1'], '5': ['MQTT-3.1.2-4', 'MQTT-3.2.2-2'] },
      'CleanSession=1 discards the stored session: no queued messages, no subscriptions afterwards', async (env) => {
        const id = uniqueId('cs');
        const topic = topicFor(env);
        const first = await rawClient(env, persistentSession(env, id));
        await subscribe(first.client, [[topic, 1]]);
        first.client.disconnect();
        await first.client.expectClose();
        const { client: pub } = await rawClient(env);
        await publish(pub, topic, 'should-be-discarded', 1);
        const clean = await rawClient(env, { clientId: id, clean: true });
        env.ctx.expect(clean.connack.sessionPresent, 'Session Present with CleanSession=1').toBe(false);
        env.ctx.expect(await quietOn(clean.client, topic), 'messages from the discarded session').toEqual([]);
        clean.client.disconnect();
        await clean.client.expectClose();
        const later = await rawClient(env, persistentSession(env, id));
        env.ctx.expect(later.connack.sessionPresent, 'Session Present after the clean session ended').toBe(false);
        await publish(pub, topic, 'after-clean', 1);
        env.ctx.expect(await quietOn(later.client, topic), 'deliveries on the discarded subscription').toEqual([]);
      });

    conformanceTest('connect.takeover', { '3.1.1': ['MQTT-3.1.4-2'], '5': ['MQTT-3.1.4-3'] }, 'a second connection with the same client id disconnects the first', async (env) => {
      const id = uniqueId('take');
      const { client: a } = await rawClient(env, { clientId: id });
      const { client: b } = await rawClient(env, { clientId: id });
      await env.expectPacket(a, a.expectClose(WAIT_TAKEOVER_MS, 'the broker to close the older connection'), 'the close of the older connection');
      env.ctx.expect(a.closed, 'the older connection closed').toBe(true);
      b.send({ cmd: 'pingreq' });
      await b.nextOf('pingresp');
      env.ctx.expect(b.closed, 'the newer connection still served').toBe(false);
    });

    conformanceTest('connect.empty-client-id-clean', { '3.1.1': ['MQTT-3.1.3-6'] }, 'a zero-length client id with CleanSession=1 is either refused with 0x02 or gets a unique id of its own', async (env) => {
      const a = await env.open();
      const ca = await a.connect({ clientId: '', clean: true });
      if (connackCode(ca) === 2) {
        await a.expectClose();
        return env.behaviour('refused with CONNACK 0x02', ['refused with CONNACK 0x02', 'accepted with a unique id'], 'accepted with a unique id');
      }
      env.ctx.expect(connackCode(ca)).toBe(0);
      const b = await env.open();
      env.ctx.expect(connackCode(await b.connect({ clientId: '', clean: true }))).toBe(0);
      // Distinct ids: the second did not take over the first.
      a.send({ cmd: 'pingreq' });
      await a.nextOf('pingresp');
      env.behaviour('accepted with a unique id', ['refused with CONNACK 0x02', 'accepted with a unique id'], 'accepted with a unique id');
    });

    conformanceTest('connect.data-after-refused', { '3.1.1': ['MQTT-3.1.4-5', 'MQTT-3.2.2-5'] }, 'data sent after a refused CONNECT is not processed', async (env) => {
      const topic = topicFor(env);
      const c = await env.open();
      // Unsupported level 7, followed in the same write by a retained PUBLISH the server must ignore.
      const connect = encode({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: uniqueId('ref'), clean: true, keepalive: 30 }, 4);
      connect[8] = 7;
      c.send(Buffer.concat([connect, encode({ cmd: 'publish', topic, payload: 'must-not-be-stored', qos: 0, retain: true, dup: false }, 4)]));
      // Refusing by CONNACK 0x01 is what MQTT-3.1.2-2 asks (a vector checks it); here either refusal
      // will do, the point is what happens to the bytes after it.
      // A generous deadline: what is judged is what happens to the bytes after the refusal, and an
      // Erlang broker on a loaded machine was seen to take over 3 s to refuse.
      const first = await c.next(undefined, 10_000, 'CONNACK or close').catch((e: Error) => (c.closed ? undefined : Promise.reject(e)));
      if (first) {
        env.ctx.expect(first.packet?.cmd, 'answer to a level-7 CONNECT').toBe('connack');
        env.ctx.expect(connackCode(first.packet as IConnackPacket), 'CONNACK return code for level 7').not.toBe(0);
      }
      await c.expectClose();
      const { client: sub } = await rawClient(env);
      await subscribe(sub, [[topic, 0]]);
      env.ctx.expect(await quietOn(sub, topic, QUIET_MS), 'a retained message from the refused connection').toEqual([]);
    });

    conformanceTest('connect.keep-alive', { '3.1.1': ['MQTT-3.1.2-24'], '5': ['MQTT-3.1.2-22'] }, 'with Keep Alive 1 s the broker keeps a pinging client and drops a silent one within 1.5 s (a default run tolerates 10 s more and says so; --strict does not)', async (env) => {
      const { client } = await rawClient(env, { keepalive: 1 });
      // Positive control: regular PINGREQs keep the connection for well over 1.5 x Keep Alive.
      let lastPacketAt = Date.now();
      for (let i = 0; i < 7; i++) {
        client.send({ cmd: 'pingreq' });
        await client.nextOf('pingresp');
        lastPacketAt = Date.now(); // the broker had the PINGREQ by the time its PINGRESP arrived
        await client.quiet(300);
        env.ctx.expect(client.closed, 'connection closed although the client sent PINGREQs').toBe(false);
      }
      // A default run tolerates KEEP_ALIVE_TOLERANCE_MS beyond the 1.5 x Keep Alive the statement
      // names (timer ticks, a shared machine), and records the measured value (a `tolerated` note
      // when beyond 1.5 s).
      const specMs = 1500;
      const toleratedMs = specMs + KEEP_ALIVE_TOLERANCE_MS;
      await env.expectPacket(client, client.expectClose(Math.max(0, lastPacketAt + toleratedMs - Date.now()), 'the broker to close a client silent for 1.5 x Keep Alive'), 'the close of a client silent for 1.5 x Keep Alive');
      env.measure({ what: 'close after the last packet', valueMs: Date.now() - lastPacketAt, bound: 'at-most', specMs, toleratedMs, context: 'with Keep Alive 1 s' });
    }, { timeoutMs: 25_000 });
  });
});

const WAIT_TAKEOVER_MS = 3000;
