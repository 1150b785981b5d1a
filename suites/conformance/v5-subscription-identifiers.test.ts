// MQTT 5.0 Subscription Identifiers: single, multiple overlapping, and per-copy.
import { expect } from 'vitest';
import type { IPublishPacket } from 'mqtt-packet';
import { uniqueId } from '../../lib/mqtt/test-client.ts';
import { forProtocol5, v5Test } from '../support/conformance.ts';
import { subscribeV5, publishV5 } from '../support/conformance-flow.ts';

const ids = (p: IPublishPacket): number[] => {
  const v = p.properties?.subscriptionIdentifier as number | number[] | undefined;
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};

forProtocol5(() => {
  v5Test('v5.subscription-identifiers.matching', ['MQTT-3.3.4-3'],
    'sends the Subscription Identifier of the matching subscription, and none for a subscription without one', async (env) => {
      const sub = await env.connect();
      sub.client.startAutoAck(); // several QoS 1 deliveries: a broker may hold the next until the PUBACK
      if (sub.connack.properties?.subscriptionIdentifiersAvailable === false) {
        env.notApplicable('the broker announces Subscription Identifier Available 0 (CONNACK), so it sends none');
      }
      const base = uniqueId('t');
      await subscribeV5(sub.client, [{ topic: `${base}/with`, qos: 1 }], { subscriptionIdentifier: 42 });
      await subscribeV5(sub.client, [{ topic: `${base}/without`, qos: 1 }]);
      const pub = await env.connect();
      await publishV5(pub.client, `${base}/with`, 'a', { qos: 1 });
      await publishV5(pub.client, `${base}/without`, 'b', { qos: 1 });
      const a = await sub.client.log.next<IPublishPacket>((p) => p.cmd === 'publish' && p.topic === `${base}/with`);
      const b = await sub.client.log.next<IPublishPacket>((p) => p.cmd === 'publish' && p.topic === `${base}/without`);
      expect(ids(a)).toEqual([42]);
      expect(ids(b)).toEqual([]);
    });

  v5Test('v5.subscription-identifiers.overlapping', ['MQTT-3.3.4-3', 'MQTT-3.3.4-4', 'MQTT-3.3.4-5', 'MQTT-3.3.4-2'],
    'for overlapping subscriptions sends every matching Subscription Identifier (one copy with all, or one per copy) at the maximum QoS', async (env) => {
      const sub = await env.connect();
      sub.client.startAutoAck(); // several QoS 1 deliveries: a broker may hold the next until the PUBACK
      const base = uniqueId('t');
      await subscribeV5(sub.client, [{ topic: `${base}/+`, qos: 0 }], { subscriptionIdentifier: 1 });
      await subscribeV5(sub.client, [{ topic: `${base}/#`, qos: 1 }], { subscriptionIdentifier: 2 });
      const pub = await env.connect();
      await publishV5(pub.client, `${base}/x`, 'both', { qos: 1 });
      await publishV5(pub.client, `${base}/x`, 'marker', { qos: 1 });
      await sub.client.log.next((p) => p.cmd === 'publish' && p.payload.toString() === 'marker', 5000, 'the marker message');
      const copies = sub.client.log.packets.filter((p): p is IPublishPacket => p.cmd === 'publish' && p.payload.toString() === 'both');
      expect(copies.length).toBeGreaterThanOrEqual(1);
      expect(copies.length).toBeLessThanOrEqual(2);
      if (copies.length === 1) {
        expect(ids(copies[0]!).sort()).toEqual([1, 2]);
        expect(copies[0]!.qos, 'QoS of the single copy = maximum of the matches').toBe(1);
      } else {
        expect(copies.map((c) => ids(c)).sort((x, y) => (x[0] ?? 0) - (y[0] ?? 0))).toEqual([[1], [2]]);
        expect(Math.max(...copies.map((c) => c.qos))).toBe(1);
      }
      env.note(copies.length === 1 ? 'one copy carrying both identifiers' : 'one copy per subscription, each with its identifier');
    });

  v5Test('v5.subscription-identifiers.replaced', ['MQTT-3.8.4-3', 'MQTT-3.3.4-3'],
    'replaces the Subscription Identifier when the same filter is subscribed again', async (env) => {
      const sub = await env.connect();
      sub.client.startAutoAck(); // several QoS 1 deliveries: a broker may hold the next until the PUBACK
      const topic = `${uniqueId('t')}/replace`;
      await subscribeV5(sub.client, [{ topic, qos: 1 }], { subscriptionIdentifier: 5 });
      await subscribeV5(sub.client, [{ topic, qos: 1 }], { subscriptionIdentifier: 6 });
      const pub = await env.connect();
      await publishV5(pub.client, topic, 'r', { qos: 1 });
      await publishV5(pub.client, topic, 'marker', { qos: 1 });
      await sub.client.log.next((p) => p.cmd === 'publish' && p.payload.toString() === 'marker');
      const copies = sub.client.log.packets.filter((p): p is IPublishPacket => p.cmd === 'publish' && p.payload.toString() === 'r');
      expect(copies, 'one subscription after replacement, so one copy').toHaveLength(1);
      expect(ids(copies[0]!)).toEqual([6]);
    });
});
