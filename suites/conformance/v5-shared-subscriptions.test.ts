// MQTT 5.0 Shared Subscriptions ($share/{ShareName}/{filter}): each message to exactly one member,
// granted QoS respected, no retained messages on subscribe, invalid share names refused.
import { expect, onTestFinished } from 'vitest';
import type { IPublishPacket, ISubackPacket } from 'mqtt-packet';
import { uniqueId } from '../../lib/mqtt/test-client.ts';
import { forProtocol5, v5Test } from '../support/conformance.ts';
import { requireCapability } from '../support/harness.ts';
import { subscribeV5, publishV5, packetId } from '../support/conformance-flow.ts';

const COUNT = 20;

forProtocol5(() => {
  v5Test('v5.shared-subscriptions.one-member-each', ['MQTT-4.8.2-1', 'MQTT-4.8.2-2', 'MQTT-4.8.2-3'],
    'delivers each message to exactly one member of the share group, at that member\'s granted QoS', async (env) => {
      requireCapability(env.ctx, 'sharedSubscriptions');
      const base = uniqueId('t');
      const group = uniqueId('g');
      const a = await env.connect();
      const b = await env.connect();
      const ga = await subscribeV5(a.client, [{ topic: `$share/${group}/${base}/+`, qos: 1 }]);
      const gb = await subscribeV5(b.client, [{ topic: `$share/${group}/${base}/+`, qos: 0 }]);
      expect(ga.granted[0]).toBe(1);
      expect(gb.granted[0]).toBe(0);
      const pub = await env.connect();
      for (let i = 0; i < COUNT; i++) await publishV5(pub.client, `${base}/x`, `m${i}`, { qos: 1 });
      // Every message exactly once across the group: wait for all, then a quiet window for extras.
      const seen = () => [...a.client.log.packets, ...b.client.log.packets].filter((p): p is IPublishPacket => p.cmd === 'publish');
      const deadline = Date.now() + 5000;
      while (new Set(seen().map((p) => p.payload.toString())).size < COUNT && Date.now() < deadline) await a.client.log.quiet(50);
      await a.client.log.quiet(500);
      const payloads = seen().map((p) => p.payload.toString());
      expect(new Set(payloads).size, 'distinct messages received by the group').toBe(COUNT);
      expect(payloads.length, 'deliveries (duplicates across members?)').toBe(COUNT);
      for (const p of b.client.log.packets.filter((x): x is IPublishPacket => x.cmd === 'publish')) expect(p.qos, 'QoS to the QoS 0 member').toBe(0);
      const na = a.client.log.packets.filter((p) => p.cmd === 'publish').length;
      env.behaviour(`distribution ${na}/${COUNT - na} across two members`, { intended: Math.min(na, COUNT - na) > 0, intends: 'both members receive messages' });
    });

  v5Test('v5.shared-subscriptions.no-retained', ['§3.3.1.3', '§4.8.2'],
    'sends no retained messages when a Shared Subscription is made, while a normal subscription gets them', async (env) => {
      requireCapability(env.ctx, 'sharedSubscriptions');
      const topic = `${uniqueId('t')}/ret`;
      const pub = await env.connect();
      await publishV5(pub.client, topic, 'kept', { qos: 1, retain: true });
      onTestFinished(() => publishV5(pub.client, topic, '', { qos: 1, retain: true }).then(() => undefined, () => undefined));
      const shared = await env.connect();
      const normal = await env.connect();
      await subscribeV5(shared.client, [{ topic: `$share/${uniqueId('g')}/${topic}`, qos: 1 }]);
      await subscribeV5(normal.client, [{ topic, qos: 1 }]);
      await normal.client.log.next('publish', 5000, 'retained message on the normal subscription');
      expect(await shared.client.log.quiet(300, 'publish', 0), 'retained message on a shared subscription').toHaveLength(0);
      expect(shared.client.log.packets.filter((p) => p.cmd === 'publish')).toHaveLength(0);
    });

  for (const [bad, why, variant] of [['$share//x', 'empty ShareName', 'empty-share-name'], ['$share/g+/x', "'+' in ShareName", 'plus-in-share-name'], ['$share/g', 'no topic filter', 'no-topic-filter']] as const) {
    v5Test(`v5.shared-subscriptions.invalid-filter.${variant}`, ['MQTT-4.8.2-1', 'MQTT-4.8.2-2'],
      `refuses the invalid shared filter "${bad}" (${why}): SUBACK 0x8F or a Protocol Error close`, async (env) => {
        requireCapability(env.ctx, 'sharedSubscriptions');
        const { client: s } = await env.connect();
        const messageId = packetId();
        s.send({ cmd: 'subscribe', messageId, subscriptions: [{ topic: bad, qos: 0 }] });
        const answer = await Promise.race([s.log.next<ISubackPacket>('suback', 5000), s.expectClose(5000)]);
        if ('cmd' in answer) {
          expect(answer.granted[0], 'SUBACK reason code').toBeGreaterThanOrEqual(0x80);
          env.note(`SUBACK 0x${(answer.granted[0] ?? 0).toString(16)}`);
        } else {
          expect(s.closed, 'closed instead of SUBACK').toBe(true);
          env.note(answer.disconnect ? `DISCONNECT 0x${(answer.disconnect.reasonCode ?? 0).toString(16)}` : 'closed');
        }
      });
  }

  v5Test('v5.shared-subscriptions.refused-discarded', ['MQTT-4.8.2-6'],
    'discards a shared message its member refused with PUBACK 0x80: no other member receives it', async (env) => {
      requireCapability(env.ctx, 'sharedSubscriptions');
      const base = uniqueId('t');
      const filter = `$share/${uniqueId('g')}/${base}`;
      const a = await env.connect();
      await subscribeV5(a.client, [{ topic: filter, qos: 1 }]);
      const pub = await env.connect();
      await publishV5(pub.client, base, 'refused', { qos: 1 });
      const m = await a.client.log.next<IPublishPacket>('publish');
      a.client.send({ cmd: 'puback', messageId: m.messageId!, reasonCode: 0x80 });
      const b = await env.connect();
      await subscribeV5(b.client, [{ topic: filter, qos: 1 }]);
      await a.client.log.quiet(200);
      a.client.destroy();
      await b.client.log.quiet(800);
      // Everything b received since it connected, not only in the window: a hand-over may follow its SUBACK at once.
      expect(b.client.log.packets.filter((p) => p.cmd === 'publish' && String(p.payload) === 'refused'), 'refused message sent to another member').toHaveLength(0);
    });

  v5Test('v5.shared-subscriptions.qos2-reconnecting-member', ['MQTT-4.8.2-4'],
    'completes a QoS 2 shared delivery with the member that reconnects, and does not hand it to another member meanwhile', async (env) => {
      requireCapability(env.ctx, 'sharedSubscriptions');
      const base = uniqueId('t');
      const filter = `$share/${uniqueId('g')}/${base}`;
      const keeperId = uniqueId('sk');
      const keeper = await env.connect({ clientId: keeperId, properties: { sessionExpiryInterval: 60 } });
      await subscribeV5(keeper.client, [{ topic: filter, qos: 2 }]);
      const leaver = await env.connect();  // session ends when it drops
      const pub = await env.connect();
      for (let i = 0; i < 4; i++) await publishV5(pub.client, base, `s${i}`, { qos: 2 });
      await keeper.client.log.next('publish', 5000, 'a delivery to the member that will reconnect');
      const inflight = keeper.client.log.packets.filter((p): p is IPublishPacket => p.cmd === 'publish').map((p) => String(p.payload));
      keeper.client.destroy();
      await subscribeV5(leaver.client, [{ topic: filter, qos: 2 }]);
      await leaver.client.log.quiet(600);
      const stolen = leaver.client.log.packets.filter((p): p is IPublishPacket => p.cmd === 'publish' && inflight.includes(String(p.payload)));
      expect(stolen.map((p) => String(p.payload)), 'in-flight QoS 2 messages handed to another member').toEqual([]);
      const again = await env.connect({ clientId: keeperId, clean: false, properties: { sessionExpiryInterval: 0 } });
      const first = await again.client.log.next<IPublishPacket>('publish', 5000, 'the in-flight QoS 2 message, completed on reconnect');
      expect(inflight).toContain(String(first.payload));
      env.note(`in flight to the reconnecting member: ${inflight.join(',')}`);
    });


  v5Test('v5.shared-subscriptions.qos2-session-ends', ['MQTT-4.8.2-5'],
    'does not send a QoS 2 shared message to another member when the session of the member it was sent to ends', async (env) => {
      requireCapability(env.ctx, 'sharedSubscriptions');
      const base = uniqueId('t');
      const filter = `$share/${uniqueId('g')}/${base}`;
      const gone = await env.connect(); // Session Expiry Interval 0: the session ends with the connection
      await subscribeV5(gone.client, [{ topic: filter, qos: 2 }]);
      const pub = await env.connect();
      for (let i = 0; i < 3; i++) await publishV5(pub.client, base, `e${i}`, { qos: 2 });
      await gone.client.log.next((p) => p.cmd === 'publish' && String(p.payload) === 'e2', 5000, 'all three deliveries');
      gone.client.destroy();
      await gone.client.expectClose();
      const other = await env.connect();
      await subscribeV5(other.client, [{ topic: filter, qos: 2 }]);
      await publishV5(pub.client, base, 'after', { qos: 2 });
      await other.client.log.next((p) => p.cmd === 'publish' && String(p.payload) === 'after', 5000, 'a new message to the remaining member');
      expect(other.client.log.packets.filter((p) => p.cmd === 'publish' && /^e\d$/.test(String(p.payload))).map((p) => String((p as IPublishPacket).payload)), 'messages of the ended session handed over').toEqual([]);
    });

});
