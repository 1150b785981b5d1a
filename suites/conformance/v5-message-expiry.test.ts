// MQTT 5.0 Message Expiry Interval: expired messages are not delivered; the interval forwarded is
// the remaining one. Waiting out the interval is the stimulus; absence uses a quiet window.
import { expect, onTestFinished } from 'vitest';
import type { IPublishPacket } from 'mqtt-packet';
import { uniqueId } from '../../lib/mqtt/test-client.ts';
import { forProtocol5, v5Test, type ConformanceEnv } from '../support/conformance.ts';
import { subscribeV5, publishV5 } from '../support/conformance-flow.ts';

const elapse = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function offlineSubscriber(env: ConformanceEnv, topic: string) {
  const clientId = uniqueId('me');
  const first = await env.connect({ clientId, properties: { sessionExpiryInterval: 60 } });
  await subscribeV5(first.client, [{ topic, qos: 1 }]);
  first.client.disconnect();
  await first.client.expectClose();
  return () => env.connect({ clientId, clean: false, properties: { sessionExpiryInterval: 0 } });
}

forProtocol5(() => {
  v5Test('v5.message-expiry.queued-expired', ['MQTT-3.3.2-5'],
    'does not deliver a queued message whose Message Expiry Interval passed, but delivers the one without expiry', async (env) => {
      const topic = `${uniqueId('t')}/exp`;
      const reconnect = await offlineSubscriber(env, topic);
      const pub = await env.connect();
      await publishV5(pub.client, topic, 'expires', { qos: 1, properties: { messageExpiryInterval: 1 } });
      await publishV5(pub.client, topic, 'stays', { qos: 1 });
      await elapse(2200);
      const sub = await reconnect();
      // Acknowledged as they come: a broker keeping one message in flight would otherwise hold 'stays'.
      sub.client.startAutoAck();
      await sub.client.log.next((p) => p.cmd === 'publish' && p.payload.toString() === 'stays', 5000, 'the message without expiry');
      const stale = sub.client.log.packets.filter((p) => p.cmd === 'publish' && p.payload.toString() === 'expires');
      expect(stale, 'expired message delivered').toHaveLength(0);
      expect(await sub.client.log.quiet(400, (p) => p.cmd === 'publish' && p.payload.toString() === 'expires')).toHaveLength(0);
    }, { timeoutMs: 15_000 });

  v5Test('v5.message-expiry.remaining-interval', ['MQTT-3.3.2-6'],
    'forwards the remaining Message Expiry Interval (received value minus time waited)', async (env) => {
      const topic = `${uniqueId('t')}/remain`;
      const reconnect = await offlineSubscriber(env, topic);
      const pub = await env.connect();
      await publishV5(pub.client, topic, 'ages', { qos: 1, properties: { messageExpiryInterval: 60 } });
      await elapse(2100);
      const sub = await reconnect();
      const msg = await sub.client.log.next<IPublishPacket>('publish');
      const left = msg.properties?.messageExpiryInterval;
      expect(left, 'Message Expiry Interval forwarded').toBeDefined();
      expect(left!).toBeLessThanOrEqual(58);
      expect(left!).toBeGreaterThan(0);
      env.ctx.task.meta.detail = { behaviour: `forwarded ${left} s of 60 after ~2 s offline` };
    }, { timeoutMs: 15_000 });

  v5Test('v5.message-expiry.online-not-larger', ['MQTT-3.3.2-6'],
    'forwards a Message Expiry Interval no larger than the published one to an online subscriber', async (env) => {
      const topic = `${uniqueId('t')}/online`;
      const sub = await env.connect();
      await subscribeV5(sub.client, [{ topic, qos: 1 }]);
      const pub = await env.connect();
      await publishV5(pub.client, topic, 'fresh', { qos: 1, properties: { messageExpiryInterval: 30 } });
      const msg = await sub.client.log.next<IPublishPacket>('publish');
      expect(msg.properties?.messageExpiryInterval).toBeDefined();
      expect(msg.properties!.messageExpiryInterval!).toBeLessThanOrEqual(30);
      expect(msg.properties!.messageExpiryInterval!).toBeGreaterThanOrEqual(28);
    });

  v5Test('v5.message-expiry.retained-expired', ['MQTT-3.3.2-5'],
    'does not send an expired retained message to a new subscriber', async (env) => {
      const topic = `${uniqueId('t')}/ret-exp`;
      const pub = await env.connect();
      await publishV5(pub.client, topic, 'short', { qos: 1, retain: true, properties: { messageExpiryInterval: 1 } });
      const control = `${topic}/control`;
      await publishV5(pub.client, control, 'long', { qos: 1, retain: true });
      onTestFinished(() => publishV5(pub.client, control, '', { qos: 1, retain: true }).then(() => undefined, () => undefined));
      await elapse(2200);
      const sub = await env.connect();
      await subscribeV5(sub.client, [{ topic: `${topic}/#`, qos: 1 }]);
      await sub.client.log.next((p) => p.cmd === 'publish' && p.topic === control, 5000, 'the unexpired retained control message');
      expect(await sub.client.log.quiet(400, (p) => p.cmd === 'publish' && p.topic === topic, 0), 'expired retained message delivered').toHaveLength(0);
      expect(sub.client.log.packets.filter((p) => p.cmd === 'publish' && p.topic === topic)).toHaveLength(0);
    }, { timeoutMs: 15_000 });
});
