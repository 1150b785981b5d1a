// MQTT 5.0 subscription options: No Local, Retain As Published, Retain Handling 0/1/2, and the
// replacement of an identical subscription.
import { expect, onTestFinished } from 'vitest';
import type { IPublishPacket } from 'mqtt-packet';
import { uniqueId } from '../../lib/mqtt/test-client.ts';
import { forProtocol5, v5Test, type ConformanceEnv } from '../support/conformance.ts';
import { subscribeV5, publishV5 } from '../support/conformance-flow.ts';
import { requireCapability } from '../support/harness.ts';

const isPub = (payload?: string) => (p: { cmd: string; payload?: unknown }) => p.cmd === 'publish' && (payload === undefined || String(p.payload) === payload);

async function retained(env: ConformanceEnv, topic: string, payload: string): Promise<void> {
  const pub = await env.connect();
  await publishV5(pub.client, topic, payload, { qos: 1, retain: true });
  onTestFinished(async () => {
    const c = await env.connect().catch(() => undefined);
    if (c) { await publishV5(c.client, topic, '', { qos: 1, retain: true }).catch(() => undefined); c.client.destroy(); }
  });
  pub.client.disconnect();
}

forProtocol5(() => {
  v5Test('v5.subscription-options.no-local', ['MQTT-3.8.3-3'],
    'No Local: does not send a client its own publications, but does send another client\'s', async (env) => {
      const topic = `${uniqueId('t')}/nl`;
      const me = await env.connect();
      await subscribeV5(me.client, [{ topic, qos: 1, nl: true }]);
      await publishV5(me.client, topic, 'mine', { qos: 1 });
      const other = await env.connect();
      await publishV5(other.client, topic, 'theirs', { qos: 1 });
      await me.client.log.next(isPub('theirs'), 5000, "the other client's message");
      expect(me.client.log.packets.filter(isPub('mine')), 'own message delivered despite No Local').toHaveLength(0);
    });

  v5Test('v5.subscription-options.no-local-0', ['MQTT-3.8.3-3'],
    'No Local 0: sends a client its own publications', async (env) => {
      const topic = `${uniqueId('t')}/nl0`;
      const me = await env.connect();
      await subscribeV5(me.client, [{ topic, qos: 1, nl: false }]);
      await publishV5(me.client, topic, 'mine', { qos: 1 });
      const own = await me.client.log.next(isPub('mine'), 5000, 'own message');
      expect(own.cmd, 'own publication sent back under No Local 0').toBe('publish');
    });

  v5Test('v5.subscription-options.retain-as-published', ['MQTT-3.3.1-12', 'MQTT-3.3.1-13'],
    'Retain As Published: RETAIN forwarded as published with 1, cleared with 0', async (env) => {
      const topic = `${uniqueId('t')}/rap`;
      const keep = await env.connect();
      const clear = await env.connect();
      await subscribeV5(keep.client, [{ topic, qos: 1, rap: true }]);
      await subscribeV5(clear.client, [{ topic, qos: 1, rap: false }]);
      await retained(env, topic, 'live-retained');
      const k = await keep.client.log.next<IPublishPacket>(isPub('live-retained'), 5000, 'message to the RAP=1 subscriber');
      const c = await clear.client.log.next<IPublishPacket>(isPub('live-retained'), 5000, 'message to the RAP=0 subscriber');
      expect(k.retain, 'RETAIN with Retain As Published 1').toBe(true);
      expect(c.retain, 'RETAIN with Retain As Published 0').toBe(false);
    });

  v5Test('v5.subscription-options.retain-handling-0', ['MQTT-3.3.1-9', 'MQTT-3.8.4-4', 'MQTT-3.8.4-3'],
    'Retain Handling 0: sends retained messages on subscribe, and again when the subscription is replaced', async (env) => {
      const topic = `${uniqueId('t')}/rh0`;
      await retained(env, topic, 'r0');
      const sub = await env.connect();
      sub.client.startAutoAck(); // a broker may hold the next QoS 1 delivery until the PUBACK
      await subscribeV5(sub.client, [{ topic, qos: 1, rh: 0 }]);
      const first = await sub.client.log.next<IPublishPacket>(isPub('r0'));
      expect(first.retain).toBe(true);
      const before = sub.client.log.packets.length;
      await subscribeV5(sub.client, [{ topic, qos: 1, rh: 0 }]);
      await sub.client.log.next((p) => sub.client.log.packets.indexOf(p) >= before && isPub('r0')(p), 5000, 'retained message re-sent on replacement');
    });

  v5Test('v5.subscription-options.retain-handling-1', ['MQTT-3.3.1-10', 'MQTT-3.8.4-3'],
    'Retain Handling 1: sends retained messages for a new subscription only, not when it already exists', async (env) => {
      const topic = `${uniqueId('t')}/rh1`;
      await retained(env, topic, 'r1');
      const sub = await env.connect();
      sub.client.startAutoAck(); // a broker may hold the next QoS 1 delivery until the PUBACK
      await subscribeV5(sub.client, [{ topic, qos: 1, rh: 1 }]);
      await sub.client.log.next(isPub('r1'), 5000, 'retained message for the new subscription');
      const before = sub.client.log.packets.filter(isPub('r1')).length;
      await subscribeV5(sub.client, [{ topic, qos: 1, rh: 1 }]);
      await sub.client.log.quiet(600);
      expect(sub.client.log.packets.filter(isPub('r1')).length, 'retained message re-sent for an existing subscription').toBe(before);
    });

  v5Test('v5.subscription-options.retain-handling-2', ['MQTT-3.3.1-11'],
    'Retain Handling 2: sends no retained messages on subscribe, but forwards new ones', async (env) => {
      const topic = `${uniqueId('t')}/rh2`;
      await retained(env, topic, 'r2');
      const sub = await env.connect();
      sub.client.startAutoAck(); // a broker may hold the next QoS 1 delivery until the PUBACK
      await subscribeV5(sub.client, [{ topic, qos: 1, rh: 2 }]);
      const pub = await env.connect();
      await publishV5(pub.client, topic, 'live', { qos: 1 });
      await sub.client.log.next(isPub('live'), 5000, 'the live message');
      expect(sub.client.log.packets.filter(isPub('r2')), 'retained message sent despite Retain Handling 2').toHaveLength(0);
    });

  v5Test('v5.subscription-options.no-local-shared', ['MQTT-3.8.3-4', 'MQTT-4.13.1-1'],
    'treats No Local on a Shared Subscription as a Protocol Error', async (env) => {
      // Without shared subscriptions the answer is SUBACK 0x9E, whatever the options (3.8.4).
      requireCapability(env.ctx, 'sharedSubscriptions');
      const { client: s } = await env.connect();
      s.send({ cmd: 'subscribe', messageId: 7, subscriptions: [{ topic: `$share/g/${uniqueId('t')}`, qos: 0, nl: true }] });
      const answer = await Promise.race([s.log.next('suback', 5000), s.expectClose(5000)]);
      if ('cmd' in answer) {
        const code = (answer as { granted: number[] }).granted[0] ?? 0;
        throw new Error(`accepted No Local on a Shared Subscription: SUBACK 0x${code.toString(16)} instead of a Protocol Error (close)`);
      }
      const out = answer;
      if (out.disconnect) expect(out.disconnect.reasonCode).toBe(0x82);
      env.note(out.disconnect ? 'DISCONNECT 0x82 then close' : 'closed without DISCONNECT');
    });

  v5Test('v5.subscription-options.reserved-bits', ['MQTT-3.8.3-5', 'MQTT-4.13.1-1'],
    'treats non-zero reserved bits in Subscription Options as malformed and closes', async (env) => {
      const { client: s } = await env.connect();
      // SUBSCRIBE id 9, no properties, filter "a/b", options 0xC1 (reserved bits 7,6 set, QoS 1).
      s.send(Buffer.from('820900090000036' + '12f62c1', 'hex'));
      const out = await s.expectClose(5000);
      if (out.disconnect) expect(out.disconnect.reasonCode).toBe(0x81);
      expect(s.log.packets.some((p) => p.cmd === 'suback'), 'SUBACK for a malformed SUBSCRIBE').toBe(false);
      env.note(out.disconnect ? `DISCONNECT 0x${(out.disconnect.reasonCode ?? 0).toString(16)} then close` : 'closed without DISCONNECT');
    });
});
