// MQTT 5.0 Shared Subscriptions ($share/{ShareName}/{filter}): each message to exactly one member,
// granted QoS respected, no retained messages on subscribe, invalid share names refused.
import { expect, onTestFinished } from 'vitest';
import type { IPublishPacket, ISubackPacket } from 'mqtt-packet';
import { uniqueId } from '../../lib/mqtt/test-client.ts';
import { forProtocol5, v5test, behaviour, strict } from '../support/v5-harness.ts';
import { requireCapability } from '../support/harness.ts';
import { connectV5, subscribeV5, publishV5, WireSession, pid } from '../support/v5-wire.ts';

const track = (s: WireSession) => { onTestFinished(() => s.destroy()); return s; };
const COUNT = 20;

forProtocol5(() => {
  v5test(['MQTT-4.8.2-1', 'MQTT-4.8.2-2', 'MQTT-4.8.2-3'],
    'delivers each message to exactly one member of the share group, at that member\'s granted QoS', async (ctx, plain) => {
      requireCapability(ctx, 'sharedSubscriptions');
      const base = uniqueId('t');
      const group = uniqueId('g');
      const a = await connectV5(plain);
      track(a.s);
      const b = await connectV5(plain);
      track(b.s);
      const ga = await subscribeV5(a.s, [{ topic: `$share/${group}/${base}/+`, qos: 1 }]);
      const gb = await subscribeV5(b.s, [{ topic: `$share/${group}/${base}/+`, qos: 0 }]);
      expect(ga.granted[0]).toBe(1);
      expect(gb.granted[0]).toBe(0);
      const pub = await connectV5(plain);
      track(pub.s);
      for (let i = 0; i < COUNT; i++) await publishV5(pub.s, `${base}/x`, `m${i}`, { qos: 1 });
      // Every message exactly once across the group: wait for all, then a quiet window for extras.
      const seen = () => [...a.s.received, ...b.s.received].filter((p): p is IPublishPacket => p.cmd === 'publish');
      const deadline = Date.now() + 5000;
      while (new Set(seen().map((p) => p.payload.toString())).size < COUNT && Date.now() < deadline) await a.s.quiet(50);
      await a.s.quiet(500);
      const payloads = seen().map((p) => p.payload.toString());
      expect(new Set(payloads).size, 'distinct messages received by the group').toBe(COUNT);
      expect(payloads.length, 'deliveries (duplicates across members?)').toBe(COUNT);
      for (const p of b.s.received.filter((x): x is IPublishPacket => x.cmd === 'publish')) expect(p.qos, 'QoS to the QoS 0 member').toBe(0);
      const na = a.s.received.filter((p) => p.cmd === 'publish').length;
      if (strict()) expect(Math.min(na, COUNT - na), '--strict: both members receive messages').toBeGreaterThan(0);
      behaviour(ctx, `distribution ${na}/${COUNT - na} across two members`);
    });

  v5test(['§3.3.1.3', '§4.8.2'],
    'sends no retained messages when a Shared Subscription is made, while a normal subscription gets them', async (ctx, plain) => {
      requireCapability(ctx, 'sharedSubscriptions');
      const topic = `${uniqueId('t')}/ret`;
      const pub = await connectV5(plain);
      track(pub.s);
      await publishV5(pub.s, topic, 'kept', { qos: 1, retain: true });
      onTestFinished(() => publishV5(pub.s, topic, '', { qos: 1, retain: true }).then(() => undefined, () => undefined));
      const shared = await connectV5(plain);
      track(shared.s);
      const normal = await connectV5(plain);
      track(normal.s);
      await subscribeV5(shared.s, [{ topic: `$share/${uniqueId('g')}/${topic}`, qos: 1 }]);
      await subscribeV5(normal.s, [{ topic, qos: 1 }]);
      await normal.s.next('publish', 5000, 'retained message on the normal subscription');
      expect(await shared.s.quiet(300, 'publish'), 'retained message on a shared subscription').toHaveLength(0);
      expect(shared.s.received.filter((p) => p.cmd === 'publish')).toHaveLength(0);
    });

  for (const [bad, why] of [['$share//x', 'empty ShareName'], ['$share/g+/x', "'+' in ShareName"], ['$share/g', 'no topic filter']] as const) {
    v5test(['MQTT-4.8.2-1', 'MQTT-4.8.2-2'],
      `refuses the invalid shared filter "${bad}" (${why}): SUBACK 0x8F or a Protocol Error close`, async (ctx, plain) => {
        requireCapability(ctx, 'sharedSubscriptions');
        const { s } = await connectV5(plain);
        track(s);
        const messageId = pid();
        s.send({ cmd: 'subscribe', messageId, subscriptions: [{ topic: bad, qos: 0 }] });
        const answer = await Promise.race([s.next<ISubackPacket>('suback', 5000), s.waitClosed(5000)]);
        if ('cmd' in answer) {
          expect(answer.granted[0], 'SUBACK reason code').toBeGreaterThanOrEqual(0x80);
          behaviour(ctx, `SUBACK 0x${(answer.granted[0] ?? 0).toString(16)}`);
        } else {
          behaviour(ctx, answer.disconnect ? `DISCONNECT 0x${(answer.disconnect.reasonCode ?? 0).toString(16)}` : 'closed');
        }
      });
  }

  v5test(['MQTT-4.8.2-6'],
    'discards a shared message its member refused with PUBACK 0x80: no other member receives it', async (ctx, plain) => {
      requireCapability(ctx, 'sharedSubscriptions');
      const base = uniqueId('t');
      const filter = `$share/${uniqueId('g')}/${base}`;
      const a = await connectV5(plain);
      track(a.s);
      await subscribeV5(a.s, [{ topic: filter, qos: 1 }]);
      const pub = await connectV5(plain);
      track(pub.s);
      await publishV5(pub.s, base, 'refused', { qos: 1 });
      const m = await a.s.next<IPublishPacket>('publish');
      a.s.send({ cmd: 'puback', messageId: m.messageId!, reasonCode: 0x80 });
      const b = await connectV5(plain);
      track(b.s);
      await subscribeV5(b.s, [{ topic: filter, qos: 1 }]);
      await a.s.quiet(200);
      a.s.destroy();
      expect(await b.s.quiet(800, (p) => p.cmd === 'publish' && String(p.payload) === 'refused'), 'refused message sent to another member').toHaveLength(0);
    });

  v5test(['MQTT-4.8.2-4'],
    'completes a QoS 2 shared delivery with the member that reconnects, and does not hand it to another member meanwhile', async (ctx, plain) => {
      requireCapability(ctx, 'sharedSubscriptions');
      const base = uniqueId('t');
      const filter = `$share/${uniqueId('g')}/${base}`;
      const keeperId = uniqueId('sk');
      const keeper = await connectV5(plain, { clientId: keeperId, properties: { sessionExpiryInterval: 60 } });
      await subscribeV5(keeper.s, [{ topic: filter, qos: 2 }]);
      const leaver = await connectV5(plain);  // session ends when it drops
      track(leaver.s);
      const pub = await connectV5(plain);
      track(pub.s);
      for (let i = 0; i < 4; i++) await publishV5(pub.s, base, `s${i}`, { qos: 2 });
      await keeper.s.next('publish', 5000, 'a delivery to the member that will reconnect');
      const inflight = keeper.s.received.filter((p): p is IPublishPacket => p.cmd === 'publish').map((p) => String(p.payload));
      keeper.s.destroy();
      await subscribeV5(leaver.s, [{ topic: filter, qos: 2 }]);
      await leaver.s.quiet(600);
      const stolen = leaver.s.received.filter((p): p is IPublishPacket => p.cmd === 'publish' && inflight.includes(String(p.payload)));
      expect(stolen.map((p) => String(p.payload)), 'in-flight QoS 2 messages handed to another member').toEqual([]);
      const again = await connectV5(plain, { clientId: keeperId, clean: false, properties: { sessionExpiryInterval: 0 } });
      track(again.s);
      const first = await again.s.next<IPublishPacket>('publish', 5000, 'the in-flight QoS 2 message, completed on reconnect');
      expect(inflight).toContain(String(first.payload));
      behaviour(ctx, `in flight to the reconnecting member: ${inflight.join(',')}`);
    });


  v5test(['MQTT-4.8.2-5'],
    'does not send a QoS 2 shared message to another member when the session of the member it was sent to ends', async (ctx, plain) => {
      requireCapability(ctx, 'sharedSubscriptions');
      const base = uniqueId('t');
      const filter = `$share/${uniqueId('g')}/${base}`;
      const gone = await connectV5(plain); // Session Expiry Interval 0: the session ends with the connection
      await subscribeV5(gone.s, [{ topic: filter, qos: 2 }]);
      const pub = await connectV5(plain);
      track(pub.s);
      for (let i = 0; i < 3; i++) await publishV5(pub.s, base, `e${i}`, { qos: 2 });
      await gone.s.next((p) => p.cmd === 'publish' && String(p.payload) === 'e2', 5000, 'all three deliveries');
      gone.s.destroy();
      await gone.s.waitClosed();
      const other = await connectV5(plain);
      track(other.s);
      await subscribeV5(other.s, [{ topic: filter, qos: 2 }]);
      await publishV5(pub.s, base, 'after', { qos: 2 });
      await other.s.next((p) => p.cmd === 'publish' && String(p.payload) === 'after', 5000, 'a new message to the remaining member');
      expect(other.s.received.filter((p) => p.cmd === 'publish' && /^e\d$/.test(String(p.payload))).map((p) => String((p as IPublishPacket).payload)), 'messages of the ended session handed over').toEqual([]);
    });

});
