// MQTT 5.0 Maximum Packet Size in both directions. The client's limit binds every packet the broker
// sends (PUBLISH, acknowledgements, DISCONNECT), including optional Reason Strings and User
// Properties it must leave out to stay below the limit.
import { expect, onTestFinished } from 'vitest';
import type { IPublishPacket } from 'mqtt-packet';
import { uniqueId } from '../../lib/mqtt/test-client.ts';
import { forProtocol5, v5test, behaviour, strict } from '../support/v5-harness.ts';
import { connectV5, subscribeV5, publishV5, pid, type WireSession } from '../support/v5-wire.ts';

const track = (s: WireSession) => { onTestFinished(() => s.destroy()); return s; };

forProtocol5(() => {
  v5test(['MQTT-3.1.2-24', 'MQTT-3.1.2-25'],
    'does not send a PUBLISH larger than the client Maximum Packet Size; discards it and carries on with the next', async (_ctx, plain) => {
      const topic = `${uniqueId('t')}/mps`;
      const sub = await connectV5(plain, { properties: { maximumPacketSize: 128 } });
      track(sub.s);
      await subscribeV5(sub.s, [{ topic, qos: 1 }]);
      const pub = await connectV5(plain);
      track(pub.s);
      await publishV5(pub.s, topic, 'L'.repeat(400), { qos: 1 });
      await publishV5(pub.s, topic, 'small', { qos: 1 });
      const msg = await sub.s.next<IPublishPacket>('publish');
      expect(msg.payload.toString(), 'first delivery').toBe('small');
      expect(Math.max(...sub.s.receivedSizes), 'largest packet received').toBeLessThanOrEqual(128);
      expect(await sub.s.quiet(300, 'publish')).toHaveLength(0);
    });

  v5test(['MQTT-3.2.2-19', 'MQTT-3.2.2-20', 'MQTT-3.4.2-2', 'MQTT-3.4.2-3', 'MQTT-3.5.2-2', 'MQTT-3.5.2-3', 'MQTT-3.6.2-2', 'MQTT-3.6.2-3', 'MQTT-3.7.2-2', 'MQTT-3.7.2-3', 'MQTT-3.9.2-1', 'MQTT-3.9.2-2', 'MQTT-3.11.2-1', 'MQTT-3.11.2-2', 'MQTT-3.14.2-3', 'MQTT-3.14.2-4', 'MQTT-3.1.2-24'],
    'keeps every CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK and DISCONNECT within a 24-byte Maximum Packet Size', async (ctx, plain) => {
      const LIMIT = 24;
      const topic = `${uniqueId('a').slice(0, 8)}`; // short, so the 1-byte PUBLISH fits the limit
      const { s } = await connectV5(plain, { properties: { maximumPacketSize: LIMIT, requestProblemInformation: true } });
      track(s);
      const other = await connectV5(plain);
      track(other.s);
      // SUBACK (one success, one failure-prone filter), QoS 1 and 2 publishing, UNSUBACK of an unknown filter.
      await subscribeV5(s, [{ topic, qos: 2 }]);
      await publishV5(s, `${topic}/nobody`, 'x', { qos: 1 }); // PUBACK, maybe 0x10 No matching subscribers + reason string
      await publishV5(s, `${topic}/nobody`, 'x', { qos: 2 }); // PUBREC, PUBCOMP
      await publishV5(other.s, topic, 'y', { qos: 2 });       // server sends PUBLISH then PUBREL
      const msg = await s.next<IPublishPacket>('publish');
      s.send({ cmd: 'pubrec', messageId: msg.messageId!, reasonCode: 0 });
      await s.next('pubrel');
      s.send({ cmd: 'pubcomp', messageId: msg.messageId!, reasonCode: 0 });
      const unsubId = pid();
      s.send({ cmd: 'unsubscribe', messageId: unsubId, unsubscriptions: [`${topic}/never-subscribed`] });
      await s.next('unsuback');
      // Provoke a server DISCONNECT with a Protocol Error (Topic Alias 0).
      s.send({ cmd: 'publish', topic, payload: 'z', qos: 0, dup: false, retain: false, properties: { topicAlias: 0 } });
      await s.waitClosed(5000);
      const sizes = s.received.map((p, i) => `${p.cmd}:${s.receivedSizes[i]}`);
      expect(Math.max(...s.receivedSizes), `packet sizes ${sizes.join(' ')}`).toBeLessThanOrEqual(LIMIT);
      behaviour(ctx, sizes.join(' '));
    });

  v5test(['MQTT-3.1.2-24', 'MQTT-3.1.2-25'],
    'counts the whole packet (fixed header included) against the client Maximum Packet Size: a PUBLISH one byte over is not sent', async (ctx, plain) => {
      const topic = `${uniqueId('t')}/edge`;
      const fits = 'f';
      // Total PUBLISH QoS 0 size = 1 (type) + 1 (remaining length) + 2 + topic + 1 (property length) + payload.
      const sizeOf = (payload: string) => 1 + 1 + 2 + Buffer.byteLength(topic) + 1 + Buffer.byteLength(payload);
      const LIMIT = sizeOf(fits);
      const sub = await connectV5(plain, { properties: { maximumPacketSize: LIMIT } });
      track(sub.s);
      await subscribeV5(sub.s, [{ topic, qos: 0 }]);
      const pub = await connectV5(plain);
      track(pub.s);
      await publishV5(pub.s, topic, 'ov', { qos: 0 }); // exactly LIMIT + 1 bytes on the wire
      await publishV5(pub.s, topic, fits, { qos: 0 });  // exactly LIMIT bytes
      const msg = await sub.s.next<IPublishPacket>('publish');
      behaviour(ctx, `limit ${LIMIT}; received ${sub.s.received.filter((p) => p.cmd === 'publish').map((p, i) => `${String((p as IPublishPacket).payload)}:${sub.s.receivedSizes[i + 1]}`).join(' ')}`);
      expect(msg.payload.toString(), `first PUBLISH delivered under a ${LIMIT}-byte limit`).toBe(fits);
      expect(Math.max(...sub.s.receivedSizes)).toBeLessThanOrEqual(LIMIT);
    });

  v5test(['MQTT-3.2.2-15', 'MQTT-4.13.1-1'],
    'enforces its own Maximum Packet Size when it announces one: DISCONNECT 0x95 (not-applicable otherwise)', async (ctx, plain) => {
      const { s, connack } = await connectV5(plain);
      track(s);
      const max = connack.properties?.maximumPacketSize;
      if (max === undefined || max > 1_000_000) {
        behaviour(ctx, `no usable Maximum Packet Size announced (${max ?? 'absent'})`);
        return;
      }
      s.send({ cmd: 'publish', topic: `${uniqueId('t')}/big`, payload: Buffer.alloc(max + 1), qos: 0, dup: false, retain: false });
      const out = await s.waitClosed(5000);
      if (out.disconnect) expect(out.disconnect.reasonCode).toBe(0x95);
      if (strict()) expect(out.disconnect?.reasonCode).toBe(0x95);
    });
});
