// MQTT 5.0 flow control: the broker respects the client's Receive Maximum (send quota), keeps
// answering other packets while the quota is exhausted, and enforces its own Receive Maximum (0x93).
import { expect } from 'vitest';
import type { IPublishPacket } from 'mqtt-packet';
import { uniqueId } from '../../lib/mqtt/test-client.ts';
import { forProtocol5, v5Test } from '../support/conformance.ts';
import { subscribeV5, publishV5, packetId } from '../support/conformance-flow.ts';
import type { RawClient } from '../../lib/mqtt/raw-client.ts';

const pubs = (s: RawClient) => s.log.packets.filter((p): p is IPublishPacket => p.cmd === 'publish');

forProtocol5(() => {
  v5Test('v5.flow-control.client-receive-maximum-qos1', ['MQTT-3.3.4-9', 'MQTT-4.9.0-1', 'MQTT-4.9.0-2', 'MQTT-4.9.0-3', 'MQTT-3.3.4-10', 'MQTT-2.2.1-4'],
    'respects the client Receive Maximum: at most 2 unacknowledged QoS 1 deliveries, PINGREQ still answered, one more per PUBACK', async (env) => {
      const topic = `${uniqueId('t')}/rm`;
      const sub = await env.connect({ properties: { receiveMaximum: 2 } });
      await subscribeV5(sub.client, [{ topic, qos: 1 }]);
      const pub = await env.connect();
      for (let i = 0; i < 6; i++) await publishV5(pub.client, topic, `m${i}`, { qos: 1 });
      await sub.client.log.next('publish', 5000, 'the first delivery');
      // "At most 2": the broker may also choose to send fewer (Receive Maximum is an upper bound).
      await sub.client.log.quiet(600, 'publish');
      const window = pubs(sub.client).length;
      expect(window, 'unacknowledged QoS 1 deliveries under Receive Maximum 2').toBeLessThanOrEqual(2);
      env.note(`${window} unacknowledged at once`);
      const [first, second] = pubs(sub.client);
      expect(first!.messageId, 'non-zero Packet Identifier').toBeGreaterThan(0);
      if (second) expect(first!.messageId).not.toBe(second.messageId);
      // Quota zero (or a window the broker keeps full) does not delay other packets.
      sub.client.send({ cmd: 'pingreq' });
      await sub.client.log.nextNew('pingresp', 3000);
      sub.client.send({ cmd: 'puback', messageId: first!.messageId!, reasonCode: 0 });
      await sub.client.log.next(() => pubs(sub.client).length >= window + 1, 5000, 'the next delivery after one PUBACK');
      await sub.client.log.quiet(500, 'publish');
      expect(pubs(sub.client).map((p) => `${p.payload}#${p.messageId}${p.dup ? 'd' : ''}`), 'deliveries after one PUBACK (Receive Maximum 2)').toHaveLength(window + 1);
    });

  v5Test('v5.flow-control.client-receive-maximum-qos2', ['MQTT-4.9.0-2', 'MQTT-3.3.4-9'],
    'counts unacknowledged QoS 2 deliveries against the client Receive Maximum until PUBCOMP', async (env) => {
      const topic = `${uniqueId('t')}/rm2`;
      const sub = await env.connect({ properties: { receiveMaximum: 1 } });
      await subscribeV5(sub.client, [{ topic, qos: 2 }]);
      const pub = await env.connect();
      for (let i = 0; i < 3; i++) await publishV5(pub.client, topic, `q${i}`, { qos: 2 });
      const first = await sub.client.log.next<IPublishPacket>('publish');
      await sub.client.log.quiet(500);
      expect(pubs(sub.client).map((p) => String(p.payload)), 'deliveries with one QoS 2 PUBLISH unacknowledged').toEqual(['q0']);
      sub.client.send({ cmd: 'pubrec', messageId: first.messageId!, reasonCode: 0 });
      await sub.client.log.next((p) => p.cmd === 'pubrel' && p.messageId === first.messageId, 5000, 'PUBREL');
      await sub.client.log.quiet(500);
      expect(pubs(sub.client), 'deliveries while PUBREL/PUBCOMP outstanding').toHaveLength(1);
      sub.client.send({ cmd: 'pubcomp', messageId: first.messageId!, reasonCode: 0 });
      await sub.client.log.next(() => pubs(sub.client).length >= 2, 5000, 'the next delivery after PUBCOMP');
    });

  v5Test('v5.flow-control.server-receive-maximum', ['§3.1.2.11.3', 'MQTT-4.13.1-1'],
    'reacts to one QoS 2 PUBLISH beyond its own Receive Maximum with DISCONNECT 0x93, or keeps serving (allowed)', async (env) => {
      const { client: s, connack } = await env.connect();
      const max = connack.properties?.receiveMaximum ?? 65535;
      if (max > 1000) {
        const announced = connack.properties?.receiveMaximum === undefined ? 'announces no Receive Maximum (CONNACK), so 65535 applies' : `announces Receive Maximum ${max} (CONNACK)`;
        env.notApplicable(`the broker ${announced}: too many unacknowledged QoS 2 PUBLISHes to exceed it here`);
      }
      const topic = `${uniqueId('t')}/flood`;
      const ids: number[] = [];
      for (let i = 0; i <= max; i++) {
        const messageId = packetId();
        ids.push(messageId);
        s.send({ cmd: 'publish', topic, payload: 'x', qos: 2, dup: false, retain: false, messageId });
      }
      const last = ids[ids.length - 1]!;
      // The spec says the server "uses" DISCONNECT 0x93 (not a MUST): accept a close with 0x93, or
      // a broker that keeps serving (answers every PUBLISH); anything else fails.
      const answer = await Promise.race([s.expectClose(8000), s.log.next((p) => p.cmd === 'pubrec' && p.messageId === last, 8000, 'PUBREC for the excess PUBLISH')]);
      if ('cmd' in answer) {
        env.behaviour(`Receive Maximum ${max}; not enforced (answered the excess PUBLISH with PUBREC)`, { intended: false, intends: `DISCONNECT 0x93 after ${max + 1} unacknowledged QoS 2 PUBLISHes` });
        return;
      }
      expect(answer.disconnect?.reasonCode, 'DISCONNECT reason').toBe(0x93);
      env.note(`Receive Maximum ${max}; DISCONNECT 0x93`);
    }, { timeoutMs: 15_000 });
});
