// MQTT 5.0 delivery flows on the wire: QoS 0/1/2 in both directions with v5 reason codes, packet
// identifiers, DUP on redelivery, acknowledgement failures (>= 0x80), expiry inside a QoS 2 flow,
// ordering, retained-message replacement, '$' topics, no topic normalisation, UNSUBSCRIBE.
import { expect, onTestFinished } from 'vitest';
import type { IPublishPacket, Packet } from 'mqtt-packet';
import { uniqueId } from '../../lib/mqtt/test-client.ts';
import { forProtocol5, v5Test, type ConformanceEnv } from '../support/conformance.ts';
import { subscribeV5, publishV5, packetId } from '../support/conformance-flow.ts';
import type { RawClient } from '../../lib/mqtt/raw-client.ts';

const pubs = (s: RawClient, payload?: string) => s.log.packets.filter((p): p is IPublishPacket => p.cmd === 'publish' && (payload === undefined || String(p.payload) === payload));
const elapse = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pair(env: ConformanceEnv, topic: string, qos: 0 | 1 | 2, sessionClientId?: string) {
  const sub = await env.connect(sessionClientId ? { clientId: sessionClientId, properties: { sessionExpiryInterval: 60 } } : {});
  await subscribeV5(sub.client, [{ topic, qos }]);
  const pub = await env.connect();
  return { sub: sub.client, pub: pub.client };
}

forProtocol5(() => {
  v5Test('v5.delivery.qos0', ['MQTT-4.3.1-1', 'MQTT-3.3.1-2', 'MQTT-3.3.4-1', 'MQTT-2.2.1-2'],
    'QoS 0: delivers PUBLISH QoS 0 with DUP 0 and no acknowledgement expected', async (env) => {
      const topic = `${uniqueId('t')}/q0`;
      const { sub, pub } = await pair(env, topic, 0);
      const sent = pub.log.mark();
      await publishV5(pub, topic, 'zero', { qos: 0 });
      const m = await sub.log.next<IPublishPacket>('publish');
      expect(m.qos).toBe(0);
      expect(m.dup).toBe(false);
      expect(m.messageId ?? 0, 'no Packet Identifier at QoS 0').toBe(0);
      expect(await pub.log.quiet(300, (p) => p.cmd !== 'publish', sent), 'acknowledgement for QoS 0').toHaveLength(0);
    });

  v5Test('v5.delivery.qos1-ids', ['MQTT-4.3.2-1', 'MQTT-4.3.2-2', 'MQTT-4.3.2-4', 'MQTT-2.2.1-5', 'MQTT-2.2.1-4', 'MQTT-3.3.4-1', 'MQTT-4.3.2-3'],
    'QoS 1: PUBACK carries the PUBLISH id; deliveries use distinct non-zero ids with DUP 0', async (env) => {
      const topic = `${uniqueId('t')}/q1`;
      const { sub, pub } = await pair(env, topic, 1);
      const ack = await publishV5(pub, topic, 'a', { qos: 1 });
      expect(ack?.cmd).toBe('puback');
      await publishV5(pub, topic, 'b', { qos: 1 });
      // Ids are compared only for deliveries in flight together: a broker may send one at a time
      // (Receive Maximum is an upper bound), and after a PUBACK the id is free for reuse.
      const a = await sub.log.next<IPublishPacket>('publish');
      const together = await sub.log.next(() => pubs(sub).length >= 2, 1500, 'two deliveries').then(() => true, () => false);
      env.note(together ? 'both QoS 1 deliveries in flight at once' : 'one QoS 1 delivery in flight at a time');
      if (!together) {
        sub.send({ cmd: 'puback', messageId: a.messageId!, reasonCode: 0 });
        await sub.log.next(() => pubs(sub).length >= 2, 5000, 'the second delivery after PUBACK');
      }
      const b = pubs(sub)[1]!;
      for (const m of [a, b]) { expect(m.qos).toBe(1); expect(m.dup).toBe(false); expect(m.messageId).toBeGreaterThan(0); }
      if (together) expect(a.messageId, 'two unacknowledged deliveries share a packet id').not.toBe(b.messageId);
    });

  v5Test('v5.delivery.qos2-ids', ['MQTT-4.3.3-1', 'MQTT-4.3.3-2', 'MQTT-4.3.3-3', 'MQTT-4.3.3-4', 'MQTT-4.3.3-5', 'MQTT-4.3.3-8', 'MQTT-4.3.3-11', 'MQTT-2.2.1-5'],
    'QoS 2: PUBREC, PUBREL, PUBCOMP carry the PUBLISH id in both directions', async (env) => {
      const topic = `${uniqueId('t')}/q2`;
      const { sub, pub } = await pair(env, topic, 2);
      const messageId = packetId();
      pub.send({ cmd: 'publish', topic, payload: 'two', qos: 2, dup: false, retain: false, messageId });
      const rec = await pub.log.next((p) => p.cmd === 'pubrec', 5000);
      expect(rec.messageId).toBe(messageId);
      pub.send({ cmd: 'pubrel', messageId, reasonCode: 0 });
      const comp = await pub.log.next((p) => p.cmd === 'pubcomp', 5000);
      expect(comp.messageId).toBe(messageId);
      const m = await sub.log.next<IPublishPacket>('publish');
      expect(m.qos).toBe(2);
      expect(m.dup).toBe(false);
      sub.send({ cmd: 'pubrec', messageId: m.messageId!, reasonCode: 0 });
      const rel = await sub.log.next((p) => p.cmd === 'pubrel', 5000);
      expect(rel.messageId).toBe(m.messageId);
      sub.send({ cmd: 'pubcomp', messageId: m.messageId!, reasonCode: 0 });
      // Any PUBLISH but the delivery itself, since the start (a re-send may come in the PUBREL's write).
      expect(await sub.log.quiet(400, (p) => p.cmd === 'publish' && p !== m, 0), 'PUBLISH re-sent after PUBREL').toHaveLength(0);
    });

  v5Test('v5.delivery.qos2-exactly-once', ['MQTT-4.3.3-10', 'MQTT-4.3.3-12', 'MQTT-4.3.2-5'],
    'QoS 2 exactly once: a repeated PUBLISH before PUBREL is not delivered twice; after PUBCOMP (and after PUBACK at QoS 1) the same id is a new message', async (env) => {
      const topic = `${uniqueId('t')}/once`;
      const { sub, pub } = await pair(env, topic, 1);
      sub.startAutoAck();
      const id = packetId();
      const p2 = (payload: string, dup: boolean) => pub.send({ cmd: 'publish', topic, payload, qos: 2, dup, retain: false, messageId: id });
      p2('first', false);
      await pub.log.nextNew((p) => p.cmd === 'pubrec' && p.messageId === id, 5000);
      p2('first', true);
      await pub.log.nextNew((p) => p.cmd === 'pubrec' && p.messageId === id, 5000, 'PUBREC for the repeat');
      pub.send({ cmd: 'pubrel', messageId: id, reasonCode: 0 });
      await pub.log.nextNew((p) => p.cmd === 'pubcomp' && p.messageId === id, 5000);
      p2('second', false);
      await pub.log.nextNew((p) => p.cmd === 'pubrec' && p.messageId === id, 5000);
      pub.send({ cmd: 'pubrel', messageId: id, reasonCode: 0 });
      await pub.log.nextNew((p) => p.cmd === 'pubcomp' && p.messageId === id, 5000);
      const q1 = packetId();
      for (const payload of ['third', 'fourth']) {
        pub.send({ cmd: 'publish', topic, payload, qos: 1, dup: false, retain: false, messageId: q1 });
        await pub.log.nextNew((p) => p.cmd === 'puback' && p.messageId === q1, 5000);
      }
      await env.expectPacket(sub, sub.log.next(() => pubs(sub, 'fourth').length > 0, 5000, 'the 4th message'), 'the 4th message (QoS 1, reusing the acknowledged id)');
      await sub.log.quiet(300);
      expect(pubs(sub).map((m) => String(m.payload))).toEqual(['first', 'second', 'third', 'fourth']);
    });

  v5Test('v5.delivery.redeliver-on-reconnect', ['MQTT-4.4.0-1', 'MQTT-3.3.1-1', 'MQTT-3.3.1-3', 'MQTT-4.3.3-6'],
    'resends an unacknowledged QoS 1 PUBLISH with DUP 1 and its original id on reconnect, and a PUBREL (not the PUBLISH) for QoS 2', async (env) => {
      const topic = `${uniqueId('t')}/redeliver`;
      const clientId = uniqueId('rd');
      const resume = async () => {
        const c = await env.connect({ clientId, clean: false, properties: { sessionExpiryInterval: 60 } });
        expect(c.connack.sessionPresent).toBe(true);
        return c.client;
      };
      // One message per session, so a broker that keeps a single delivery in flight is tested fully:
      // (1) QoS 1 never acknowledged; (2) QoS 2 answered with PUBREC, its PUBREL never completed.
      const first = await pair(env, topic, 2, clientId);
      await publishV5(first.pub, topic, 'one', { qos: 1 });
      const one = await first.sub.log.next<IPublishPacket>('publish', 5000, 'the QoS 1 delivery');
      expect(one.dup, 'DUP on a first delivery').toBe(false);
      first.sub.destroy();
      const second = await resume();
      const redelivered = await second.log.next<IPublishPacket>('publish', 5000, 'the redelivered QoS 1 PUBLISH');
      expect(redelivered.messageId).toBe(one.messageId);
      expect(redelivered.dup, 'DUP on redelivery').toBe(true);
      second.send({ cmd: 'puback', messageId: redelivered.messageId!, reasonCode: 0 });
      await publishV5(first.pub, topic, 'two', { qos: 2 });
      const two = await second.log.next<IPublishPacket>((p) => p.cmd === 'publish' && String(p.payload) === 'two', 5000, 'the QoS 2 delivery');
      second.send({ cmd: 'pubrec', messageId: two.messageId!, reasonCode: 0 });
      await second.log.next('pubrel');
      second.destroy();
      const third = await resume();
      const rel = await third.log.next('pubrel', 5000, 'the re-sent PUBREL');
      expect(rel.messageId).toBe(two.messageId);
      // The whole resumed connection counts (mark 0): a PUBLISH may come in the same write as the PUBREL.
      expect(await third.log.quiet(300, (p) => p.cmd === 'publish', 0), 'PUBLISH re-sent after PUBREL or PUBACK').toHaveLength(0);
    });

  v5Test('v5.delivery.puback-failure-acknowledges', ['MQTT-4.4.0-2'],
    'treats a delivery answered with PUBACK 0x80 as acknowledged: not retransmitted on reconnect', async (env) => {
      const topic = `${uniqueId('t')}/nack`;
      const clientId = uniqueId('nk');
      const first = await pair(env, topic, 1, clientId);
      await publishV5(first.pub, topic, 'refused', { qos: 1 });
      const m = await first.sub.log.next<IPublishPacket>('publish');
      first.sub.send({ cmd: 'puback', messageId: m.messageId!, reasonCode: 0x80 });
      await first.sub.log.quiet(200);
      first.sub.destroy();
      const again = await env.connect({ clientId, clean: false, properties: { sessionExpiryInterval: 0 } });
      expect(again.connack.sessionPresent).toBe(true);
      expect(await again.client.log.quiet(800, 'publish', 0), 'retransmission after PUBACK 0x80').toHaveLength(0);
    });

  v5Test('v5.delivery.qos2-receiver-expiry', ['MQTT-4.3.3-13'],
    'as a QoS 2 receiver, completes the flow (PUBCOMP) for a message whose expiry passed before PUBREL', async (env) => {
      const { client: s } = await env.connect();
      const id = packetId();
      s.send({ cmd: 'publish', topic: `${uniqueId('t')}/exp-rx`, payload: 'short', qos: 2, dup: false, retain: false, messageId: id, properties: { messageExpiryInterval: 1 } });
      await s.log.next((p) => p.cmd === 'pubrec' && p.messageId === id);
      await elapse(2200);
      s.send({ cmd: 'pubrel', messageId: id, reasonCode: 0 });
      const comp = await s.log.next((p) => p.cmd === 'pubcomp' && p.messageId === id, 5000, 'PUBCOMP after expiry');
      expect(comp.messageId).toBe(id);
    }, { timeoutMs: 15_000 });

  v5Test('v5.delivery.qos2-sender-expiry', ['MQTT-4.3.3-7'],
    'as a QoS 2 sender, does not apply message expiry once the PUBLISH is sent: resent on reconnect after the interval', async (env) => {
      const topic = `${uniqueId('t')}/exp-tx`;
      const clientId = uniqueId('e2');
      const { sub, pub } = await pair(env, topic, 2, clientId);
      // Only one message, so it is sure to be in flight (sent) whatever the broker's window.
      // Redelivery as such is tested above; here the question is whether expiry cuts it short.
      await publishV5(pub, topic, 'short', { qos: 2, properties: { messageExpiryInterval: 1 } });
      const m = await sub.log.next<IPublishPacket>('publish', 5000, 'the delivery');
      sub.destroy();
      await elapse(2200);
      const again = await env.connect({ clientId, clean: false, properties: { sessionExpiryInterval: 0 } });
      expect(again.connack.sessionPresent).toBe(true);
      const resent = await again.client.log.next<IPublishPacket>((p) => p.cmd === 'publish' && String(p.payload) === 'short', 3000, 'the in-flight QoS 2 PUBLISH, despite its expiry');
      expect(resent.messageId).toBe(m.messageId);
      expect(resent.dup).toBe(true);
    }, { timeoutMs: 15_000 });

  v5Test('v5.delivery.order', ['MQTT-4.6.0-5', 'MQTT-4.6.0-6'],
    'forwards messages from one publisher on one topic in the order received', async (env) => {
      const topic = `${uniqueId('t')}/order`;
      const { sub, pub } = await pair(env, topic, 1);
      sub.startAutoAck();
      for (let i = 0; i < 20; i++) pub.send({ cmd: 'publish', topic, payload: `m${i}`, qos: 1, dup: false, retain: false, messageId: packetId() });
      await sub.log.next(() => pubs(sub).length >= 20, 5000, '20 deliveries');
      expect(pubs(sub).map((m) => String(m.payload))).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    });

  v5Test('v5.delivery.retained-replace-remove', ['MQTT-3.3.1-6', 'MQTT-3.3.1-7', 'MQTT-3.3.1-8', 'MQTT-3.3.1-5'],
    'replaces a retained message, keeps it on a RETAIN 0 publish, and removes it with an empty retained payload', async (env) => {
      const topic = `${uniqueId('t')}/ret`;
      const pub = await env.connect();
      onTestFinished(() => publishV5(pub.client, topic, '', { qos: 1, retain: true }).then(() => undefined, () => undefined));
      await publishV5(pub.client, topic, 'old', { qos: 1, retain: true });
      await publishV5(pub.client, topic, 'new', { qos: 1, retain: true });
      await publishV5(pub.client, topic, 'not-retained', { qos: 1, retain: false });
      const a = await env.connect();
      await subscribeV5(a.client, [{ topic, qos: 1 }]);
      const got = await a.client.log.next<IPublishPacket>('publish');
      expect(String(got.payload)).toBe('new');
      expect(await a.client.log.quiet(300, (p) => p !== got && p.cmd === 'publish', 0), 'a second retained message').toHaveLength(0);
      await publishV5(pub.client, topic, '', { qos: 1, retain: true });
      const b = await env.connect();
      await subscribeV5(b.client, [{ topic, qos: 1 }]);
      expect(await b.client.log.quiet(500, 'publish', 0), 'retained message after an empty retained publish').toHaveLength(0);
    });

  v5Test('v5.delivery.dollar-topics-no-normalisation', ['MQTT-4.7.2-1', 'MQTT-4.7.3-4', 'MQTT-3.3.2-3'],
    'does not match $-topics with leading wildcards and does not normalise topics (case, empty levels)', async (env) => {
      const base = uniqueId('t');
      const sub = await env.connect();
      await subscribeV5(sub.client, [{ topic: '#', qos: 0 }, { topic: '+/info', qos: 0 }]);
      const exact = await env.connect();
      await subscribeV5(exact.client, [{ topic: `${base}/a/b`, qos: 0 }]);
      const pub = await env.connect();
      await publishV5(pub.client, `$${base}/info`, 'dollar', { qos: 1 });
      await publishV5(pub.client, `${base}/A/b`, 'case', { qos: 1 });
      await publishV5(pub.client, `${base}/a//b`, 'empty-level', { qos: 1 });
      await publishV5(pub.client, `${base}/a/b`, 'marker', { qos: 1 });
      await sub.client.log.next((p) => p.cmd === 'publish' && String(p.payload) === 'marker', 5000, 'the marker on #');
      await exact.client.log.next((p) => p.cmd === 'publish' && String(p.payload) === 'marker', 5000, 'the marker on the exact filter');
      expect(pubs(sub.client, 'dollar'), '$-topic matched by # or +').toHaveLength(0);
      expect(pubs(exact.client).map((m) => String(m.payload)), 'topics matched by a/b').toEqual(['marker']);
      for (const m of pubs(exact.client)) expect(m.topic).toBe(`${base}/a/b`);
    });

  v5Test('v5.delivery.suback-unsuback-ids', ['MQTT-3.10.4-1', 'MQTT-3.10.4-2', 'MQTT-3.10.4-4', 'MQTT-3.10.4-5', 'MQTT-2.2.1-6', 'MQTT-3.8.4-1', 'MQTT-3.8.4-2'],
    'SUBACK/UNSUBACK echo the packet ids; UNSUBSCRIBE matches filters exactly and stops deliveries', async (env) => {
      const base = uniqueId('t');
      const { client: s } = await env.connect();
      const sid = packetId();
      s.send({ cmd: 'subscribe', messageId: sid, subscriptions: [{ topic: `${base}/+`, qos: 1 }] });
      expect((await s.log.next('suback')).messageId).toBe(sid);
      const uid = packetId();
      s.send({ cmd: 'unsubscribe', messageId: uid, unsubscriptions: [`${base}/x`] }); // not character-equal to base/+
      const u1 = await s.log.next('unsuback');
      expect(u1.messageId).toBe(uid);
      const pub = await env.connect();
      await publishV5(pub.client, `${base}/x`, 'still', { qos: 1 });
      await s.log.next((p) => p.cmd === 'publish' && String(p.payload) === 'still', 5000, 'delivery after unsubscribing a different filter');
      const uid2 = packetId();
      s.send({ cmd: 'unsubscribe', messageId: uid2, unsubscriptions: [`${base}/+`] });
      await s.log.next((p: Packet) => p.cmd === 'unsuback' && p.messageId === uid2);
      const published = s.log.mark();
      await publishV5(pub.client, `${base}/x`, 'gone', { qos: 1 });
      // From the publish on: the delivery may arrive before the publisher's PUBACK.
      expect(await s.log.quiet(500, (p) => p.cmd === 'publish' && String(p.payload) === 'gone', published), 'delivery after UNSUBACK of the subscribed filter').toHaveLength(0);
    });

  v5Test('v5.delivery.unsubscribe-completes-qos1', ['MQTT-3.10.4-3'],
    'completes a QoS 1 delivery already started when the filter is unsubscribed', async (env) => {
      const topic = `${uniqueId('t')}/unsub-inflight`;
      const clientId = uniqueId('ui');
      const { sub, pub } = await pair(env, topic, 1, clientId);
      await publishV5(pub, topic, 'inflight', { qos: 1 });
      const m = await sub.log.next<IPublishPacket>('publish');
      const uid = packetId();
      sub.send({ cmd: 'unsubscribe', messageId: uid, unsubscriptions: [topic] });
      await sub.log.next('unsuback');
      sub.destroy();
      const again = await env.connect({ clientId, clean: false, properties: { sessionExpiryInterval: 0 } });
      const resent = await again.client.log.next<IPublishPacket>('publish', 5000, 'the started delivery, completed');
      expect(resent.messageId).toBe(m.messageId);
    });

  v5Test('v5.delivery.client-id-23-chars', ['MQTT-3.1.3-5'],
    'accepts a 23-character alphanumeric Client Identifier', async (env) => {
      const id = `A${uniqueId('').replace(/[^a-zA-Z0-9]/g, '')}zzzzzzzzzzzzzzzzzzzz`.slice(0, 23);
      const { client: s, connack } = await env.connect({ clientId: id });
      expect(id).toHaveLength(23);
      expect(connack.reasonCode ?? 0).toBe(0);
    });

  v5Test('v5.delivery.data-after-refused-connect', ['MQTT-3.1.4-6', 'MQTT-3.1.4-1'],
    'processes nothing sent after a refused CONNECT (a retained PUBLISH in the same write is not stored)', async (env) => {
      const topic = `${uniqueId('t')}/after-refused`;
      const s = await env.open();
      // CONNECT with the reserved flag set (refused), then a retained QoS 0 PUBLISH, in one write.
      const bad = Buffer.from('100f00044d515454050300' + '3c00000161', 'hex');
      const body = Buffer.concat([Buffer.from([0, topic.length]), Buffer.from(topic), Buffer.from([0]), Buffer.from('sneaky')]);
      s.send(Buffer.concat([bad, Buffer.from([0x31, body.length]), body]));
      await s.expectClose(5000);
      const probe = await env.connect();
      await subscribeV5(probe.client, [{ topic, qos: 0 }]);
      expect(await probe.client.log.quiet(500, 'publish', 0), 'retained message from a refused connection').toHaveLength(0);
      env.note(s.log.packets.length ? `answered ${s.log.packets.map((p) => p.cmd).join(',')}` : 'closed without CONNACK');
    });
});
