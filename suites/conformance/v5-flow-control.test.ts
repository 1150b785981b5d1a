// MQTT 5.0 flow control: the broker respects the client's Receive Maximum (send quota), keeps
// answering other packets while the quota is exhausted, and enforces its own Receive Maximum (0x93).
import { expect, onTestFinished } from 'vitest';
import type { IPublishPacket } from 'mqtt-packet';
import { uniqueId } from '../../lib/mqtt/test-client.ts';
import { forProtocol5, v5test, behaviour, strict } from '../support/v5-harness.ts';
import { connectV5, subscribeV5, publishV5, pid, type WireSession } from '../support/v5-wire.ts';

const track = (s: WireSession) => { onTestFinished(() => s.destroy()); return s; };
const pubs = (s: WireSession) => s.received.filter((p): p is IPublishPacket => p.cmd === 'publish');

forProtocol5(() => {
  v5test(['MQTT-3.3.4-9', 'MQTT-4.9.0-1', 'MQTT-4.9.0-2', 'MQTT-4.9.0-3', 'MQTT-3.3.4-10', 'MQTT-2.2.1-4'],
    'respects the client Receive Maximum: at most 2 unacknowledged QoS 1 deliveries, PINGREQ still answered, one more per PUBACK', async (ctx, plain) => {
      const topic = `${uniqueId('t')}/rm`;
      const sub = await connectV5(plain, { properties: { receiveMaximum: 2 } });
      track(sub.s);
      await subscribeV5(sub.s, [{ topic, qos: 1 }]);
      const pub = await connectV5(plain);
      track(pub.s);
      for (let i = 0; i < 6; i++) await publishV5(pub.s, topic, `m${i}`, { qos: 1 });
      await sub.s.next('publish', 5000, 'the first delivery');
      // "At most 2": the broker may also choose to send fewer (Receive Maximum is an upper bound).
      await sub.s.quiet(600, 'publish');
      const window = pubs(sub.s).length;
      expect(window, 'unacknowledged QoS 1 deliveries under Receive Maximum 2').toBeLessThanOrEqual(2);
      behaviour(ctx, `${window} unacknowledged at once`);
      const [first, second] = pubs(sub.s);
      expect(first!.messageId, 'non-zero Packet Identifier').toBeGreaterThan(0);
      if (second) expect(first!.messageId).not.toBe(second.messageId);
      // Quota zero (or a window the broker keeps full) does not delay other packets.
      sub.s.send({ cmd: 'pingreq' });
      await sub.s.nextNew('pingresp', 3000);
      sub.s.send({ cmd: 'puback', messageId: first!.messageId!, reasonCode: 0 });
      await sub.s.next(() => pubs(sub.s).length >= window + 1, 5000, 'the next delivery after one PUBACK');
      await sub.s.quiet(500, 'publish');
      expect(pubs(sub.s).map((p) => `${p.payload}#${p.messageId}${p.dup ? 'd' : ''}`), 'deliveries after one PUBACK (Receive Maximum 2)').toHaveLength(window + 1);
    });

  v5test(['MQTT-4.9.0-2', 'MQTT-3.3.4-9'],
    'counts unacknowledged QoS 2 deliveries against the client Receive Maximum until PUBCOMP', async (_ctx, plain) => {
      const topic = `${uniqueId('t')}/rm2`;
      const sub = await connectV5(plain, { properties: { receiveMaximum: 1 } });
      track(sub.s);
      await subscribeV5(sub.s, [{ topic, qos: 2 }]);
      const pub = await connectV5(plain);
      track(pub.s);
      for (let i = 0; i < 3; i++) await publishV5(pub.s, topic, `q${i}`, { qos: 2 });
      const first = await sub.s.next<IPublishPacket>('publish');
      await sub.s.quiet(500);
      expect(pubs(sub.s).map((p) => String(p.payload)), 'deliveries with one QoS 2 PUBLISH unacknowledged').toEqual(['q0']);
      sub.s.send({ cmd: 'pubrec', messageId: first.messageId!, reasonCode: 0 });
      await sub.s.next((p) => p.cmd === 'pubrel' && p.messageId === first.messageId, 5000, 'PUBREL');
      await sub.s.quiet(500);
      expect(pubs(sub.s), 'deliveries while PUBREL/PUBCOMP outstanding').toHaveLength(1);
      sub.s.send({ cmd: 'pubcomp', messageId: first.messageId!, reasonCode: 0 });
      await sub.s.next(() => pubs(sub.s).length >= 2, 5000, 'the next delivery after PUBCOMP');
    });

  v5test(['§3.1.2.11.3', 'MQTT-4.13.1-1'],
    'reacts to one QoS 2 PUBLISH beyond its own Receive Maximum with DISCONNECT 0x93, or keeps serving (allowed)', async (ctx, plain) => {
      const { s, connack } = await connectV5(plain);
      track(s);
      const max = connack.properties?.receiveMaximum ?? 65535;
      if (max > 1000) {
        behaviour(ctx, `Receive Maximum ${max}: too large to exhaust here`);
        return;
      }
      const topic = `${uniqueId('t')}/flood`;
      const ids: number[] = [];
      for (let i = 0; i <= max; i++) {
        const messageId = pid();
        ids.push(messageId);
        s.send({ cmd: 'publish', topic, payload: 'x', qos: 2, dup: false, retain: false, messageId });
      }
      const last = ids[ids.length - 1]!;
      // The spec says the server "uses" DISCONNECT 0x93 (not a MUST): accept a close with 0x93, or
      // a broker that keeps serving (answers every PUBLISH); anything else fails.
      const answer = await Promise.race([s.waitClosed(8000), s.next((p) => p.cmd === 'pubrec' && p.messageId === last, 8000, 'PUBREC for the excess PUBLISH')]);
      if ('cmd' in answer) {
        if (strict()) throw new Error(`--strict: expected DISCONNECT 0x93 after ${max + 1} unacknowledged QoS 2 PUBLISHes, got PUBREC`);
        behaviour(ctx, `Receive Maximum ${max}; not enforced (answered the excess PUBLISH with PUBREC)`);
        return;
      }
      expect(answer.disconnect?.reasonCode, 'DISCONNECT reason').toBe(0x93);
      behaviour(ctx, `Receive Maximum ${max}; DISCONNECT 0x93`);
    }, 15_000);
});
