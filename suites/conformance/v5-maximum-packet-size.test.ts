// MQTT 5.0 Maximum Packet Size in both directions. The client's limit binds every packet the broker
// sends (PUBLISH, acknowledgements, DISCONNECT), including optional Reason Strings and User
// Properties it must leave out to stay below the limit.
import { expect } from 'vitest';
import type { IPublishPacket } from 'mqtt-packet';
import { uniqueId } from '../../lib/mqtt/test-client.ts';
import { forProtocol5, v5Test, type ConformanceEnv } from '../support/conformance.ts';
import { subscribeV5, publishV5, packetId } from '../support/conformance-flow.ts';

/** The smallest Maximum Packet Size a session of every acknowledgement fits into (without optional properties). */
const ACK_LIMIT = 24;

/** Drives one session with Maximum Packet Size 24 through every acknowledgement the server sends, and a server DISCONNECT; returns what it received. */
async function acksUnderSmallLimit(env: ConformanceEnv): Promise<{ cmd: string; sizeBytes: number }[]> {
  const topic = `${uniqueId('a').slice(0, 8)}`; // short, so the 1-byte PUBLISH fits the limit
  const { client: s } = await env.connect({ properties: { maximumPacketSize: ACK_LIMIT, requestProblemInformation: true } });
  const other = await env.connect();
  // SUBACK (one success, one failure-prone filter), QoS 1 and 2 publishing, UNSUBACK of an unknown filter.
  await subscribeV5(s, [{ topic, qos: 2 }]);
  await publishV5(s, `${topic}/nobody`, 'x', { qos: 1 }); // PUBACK, maybe 0x10 No matching subscribers + reason string
  await publishV5(s, `${topic}/nobody`, 'x', { qos: 2 }); // PUBREC, PUBCOMP
  await publishV5(other.client, topic, 'y', { qos: 2 });       // server sends PUBLISH then PUBREL
  const msg = await s.log.next<IPublishPacket>('publish');
  s.send({ cmd: 'pubrec', messageId: msg.messageId!, reasonCode: 0 });
  await s.log.next('pubrel');
  s.send({ cmd: 'pubcomp', messageId: msg.messageId!, reasonCode: 0 });
  const unsubId = packetId();
  s.send({ cmd: 'unsubscribe', messageId: unsubId, unsubscriptions: [`${topic}/never-subscribed`] });
  await s.log.next('unsuback');
  // Provoke a server DISCONNECT with a Protocol Error (Topic Alias 0).
  s.send({ cmd: 'publish', topic, payload: 'z', qos: 0, dup: false, retain: false, properties: { topicAlias: 0 } });
  await s.expectClose(5000);
  return s.log.packets.map((p, i) => ({ cmd: p.cmd, sizeBytes: s.log.sizes[i]! }));
}

/** Per acknowledgement: the statements that it leaves out a Reason String / User Property rather than exceed the limit. */
const LIMITED = [
  ['connack', ['MQTT-3.2.2-19', 'MQTT-3.2.2-20']], ['puback', ['MQTT-3.4.2-2', 'MQTT-3.4.2-3']], ['pubrec', ['MQTT-3.5.2-2', 'MQTT-3.5.2-3']],
  ['pubrel', ['MQTT-3.6.2-2', 'MQTT-3.6.2-3']], ['pubcomp', ['MQTT-3.7.2-2', 'MQTT-3.7.2-3']], ['suback', ['MQTT-3.9.2-1', 'MQTT-3.9.2-2']],
  ['unsuback', ['MQTT-3.11.2-1', 'MQTT-3.11.2-2']], ['disconnect', ['MQTT-3.14.2-3', 'MQTT-3.14.2-4']],
] as const;

forProtocol5(() => {
  v5Test('v5.maximum-packet-size.publish-discarded', ['MQTT-3.1.2-24', 'MQTT-3.1.2-25'],
    'does not send a PUBLISH larger than the client Maximum Packet Size; discards it and carries on with the next', async (env) => {
      const topic = `${uniqueId('t')}/mps`;
      const sub = await env.connect({ properties: { maximumPacketSize: 128 } });
      await subscribeV5(sub.client, [{ topic, qos: 1 }]);
      const pub = await env.connect();
      await publishV5(pub.client, topic, 'L'.repeat(400), { qos: 1 });
      await publishV5(pub.client, topic, 'small', { qos: 1 });
      const msg = await sub.client.log.next<IPublishPacket>('publish');
      expect(msg.payload.toString(), 'first delivery').toBe('small');
      expect(Math.max(...sub.client.log.sizes), 'largest packet received').toBeLessThanOrEqual(128);
      expect(await sub.client.log.quiet(300, 'publish')).toHaveLength(0);
    });

  v5Test('v5.maximum-packet-size.acks-within-24-bytes', ['MQTT-3.2.2-19', 'MQTT-3.2.2-20', 'MQTT-3.4.2-2', 'MQTT-3.4.2-3', 'MQTT-3.5.2-2', 'MQTT-3.5.2-3', 'MQTT-3.6.2-2', 'MQTT-3.6.2-3', 'MQTT-3.7.2-2', 'MQTT-3.7.2-3', 'MQTT-3.9.2-1', 'MQTT-3.9.2-2', 'MQTT-3.11.2-1', 'MQTT-3.11.2-2', 'MQTT-3.14.2-3', 'MQTT-3.14.2-4', 'MQTT-3.1.2-24'],
    'keeps every CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK and DISCONNECT within a 24-byte Maximum Packet Size', async (env) => {
      const received = await acksUnderSmallLimit(env);
      const sizes = received.map((r) => `${r.cmd}:${r.sizeBytes}`);
      expect(Math.max(...received.map((r) => r.sizeBytes)), `packet sizes ${sizes.join(' ')}`).toBeLessThanOrEqual(ACK_LIMIT);
      env.note(sizes.join(' '));
    });

  // One test per acknowledgement, so a broker that oversizes one kind of packet fails exactly that one.
  for (const [cmd, ids] of LIMITED) {
    v5Test(`v5.maximum-packet-size.within-limit.${cmd}`, [...ids],
      `keeps its ${cmd.toUpperCase()} within a 24-byte client Maximum Packet Size (no Reason String or User Property that would exceed it)`, async (env) => {
        const mine = (await acksUnderSmallLimit(env)).filter((r) => r.cmd === cmd);
        expect(mine.length, `${cmd.toUpperCase()} packets received`).toBeGreaterThan(0);
        expect(mine.map((r) => r.sizeBytes).filter((n) => n > ACK_LIMIT), `${cmd.toUpperCase()} sizes above ${ACK_LIMIT} bytes`).toEqual([]);
      });
  }

  v5Test('v5.maximum-packet-size.whole-packet-counted', ['MQTT-3.1.2-24', 'MQTT-3.1.2-25'],
    'counts the whole packet (fixed header included) against the client Maximum Packet Size: a PUBLISH one byte over is not sent', async (env) => {
      const topic = `${uniqueId('t')}/edge`;
      const fits = 'f';
      // Total PUBLISH QoS 0 size = 1 (type) + 1 (remaining length) + 2 + topic + 1 (property length) + payload.
      const sizeOf = (payload: string) => 1 + 1 + 2 + Buffer.byteLength(topic) + 1 + Buffer.byteLength(payload);
      const LIMIT = sizeOf(fits);
      const sub = await env.connect({ properties: { maximumPacketSize: LIMIT } });
      await subscribeV5(sub.client, [{ topic, qos: 0 }]);
      const pub = await env.connect();
      await publishV5(pub.client, topic, 'ov', { qos: 0 }); // exactly LIMIT + 1 bytes on the wire
      await publishV5(pub.client, topic, fits, { qos: 0 });  // exactly LIMIT bytes
      const msg = await sub.client.log.next<IPublishPacket>('publish');
      env.note(`limit ${LIMIT}; received ${sub.client.log.packets.filter((p) => p.cmd === 'publish').map((p, i) => `${String((p as IPublishPacket).payload)}:${sub.client.log.sizes[i + 1]}`).join(' ')}`);
      expect(msg.payload.toString(), `first PUBLISH delivered under a ${LIMIT}-byte limit`).toBe(fits);
      expect(Math.max(...sub.client.log.sizes)).toBeLessThanOrEqual(LIMIT);
    });

  v5Test('v5.maximum-packet-size.server-enforces', ['MQTT-3.2.2-15', 'MQTT-4.13.1-1'],
    'enforces its own Maximum Packet Size when it announces one: DISCONNECT 0x95 (not-applicable otherwise)', async (env) => {
      const { client: s, connack } = await env.connect();
      const max = connack.properties?.maximumPacketSize;
      if (max === undefined) return env.notApplicable('the broker announces no Maximum Packet Size (CONNACK), so no packet is too large');
      if (max > 1_000_000) env.notApplicable(`the broker announces Maximum Packet Size ${max} (CONNACK): too large a packet to send here`);
      s.send({ cmd: 'publish', topic: `${uniqueId('t')}/big`, payload: Buffer.alloc(max + 1), qos: 0, dup: false, retain: false });
      const out = await s.expectClose(5000);
      if (out.disconnect) expect(out.disconnect.reasonCode).toBe(0x95);
      const code = out.disconnect?.reasonCode;
      env.behaviour(code === undefined ? 'closed without DISCONNECT' : `DISCONNECT 0x${code.toString(16)} then close`, { intended: code === 0x95, intends: 'DISCONNECT 0x95 then close' });
    });
});
