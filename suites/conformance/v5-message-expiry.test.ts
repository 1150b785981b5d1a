// MQTT 5.0 Message Expiry Interval: expired messages are not delivered; the interval forwarded is
// the remaining one. Waiting out the interval is the stimulus; absence uses a quiet window.
import { expect, onTestFinished } from 'vitest';
import type { IPublishPacket } from 'mqtt-packet';
import { uniqueId } from '../../lib/mqtt/test-client.ts';
import { forProtocol5, v5test } from '../support/v5-harness.ts';
import { connectV5, subscribeV5, publishV5, type WireSession } from '../support/v5-wire.ts';

const track = (s: WireSession) => { onTestFinished(() => s.destroy()); return s; };
const elapse = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function offlineSubscriber(plain: Parameters<typeof connectV5>[0], topic: string) {
  const clientId = uniqueId('me');
  const first = await connectV5(plain, { clientId, properties: { sessionExpiryInterval: 60 } });
  await subscribeV5(first.s, [{ topic, qos: 1 }]);
  first.s.disconnect();
  await first.s.waitClosed();
  return () => connectV5(plain, { clientId, clean: false, properties: { sessionExpiryInterval: 0 } });
}

forProtocol5(() => {
  v5test(['MQTT-3.3.2-5'],
    'does not deliver a queued message whose Message Expiry Interval passed, but delivers the one without expiry', async (_ctx, plain) => {
      const topic = `${uniqueId('t')}/exp`;
      const reconnect = await offlineSubscriber(plain, topic);
      const pub = await connectV5(plain);
      track(pub.s);
      await publishV5(pub.s, topic, 'expires', { qos: 1, properties: { messageExpiryInterval: 1 } });
      await publishV5(pub.s, topic, 'stays', { qos: 1 });
      await elapse(2200);
      const sub = await reconnect();
      track(sub.s);
      // Acknowledged as they come: a broker keeping one message in flight would otherwise hold 'stays'.
      sub.s.startAutoAck();
      await sub.s.next((p) => p.cmd === 'publish' && p.payload.toString() === 'stays', 5000, 'the message without expiry');
      const stale = sub.s.received.filter((p) => p.cmd === 'publish' && p.payload.toString() === 'expires');
      expect(stale, 'expired message delivered').toHaveLength(0);
      expect(await sub.s.quiet(400, (p) => p.cmd === 'publish' && p.payload.toString() === 'expires')).toHaveLength(0);
    }, 15_000);

  v5test(['MQTT-3.3.2-6'],
    'forwards the remaining Message Expiry Interval (received value minus time waited)', async (ctx, plain) => {
      const topic = `${uniqueId('t')}/remain`;
      const reconnect = await offlineSubscriber(plain, topic);
      const pub = await connectV5(plain);
      track(pub.s);
      await publishV5(pub.s, topic, 'ages', { qos: 1, properties: { messageExpiryInterval: 60 } });
      await elapse(2100);
      const sub = await reconnect();
      track(sub.s);
      const msg = await sub.s.next<IPublishPacket>('publish');
      const left = msg.properties?.messageExpiryInterval;
      expect(left, 'Message Expiry Interval forwarded').toBeDefined();
      expect(left!).toBeLessThanOrEqual(58);
      expect(left!).toBeGreaterThan(0);
      ctx.task.meta.detail = { behaviour: `forwarded ${left} s of 60 after ~2 s offline` };
    }, 15_000);

  v5test(['MQTT-3.3.2-6'],
    'forwards a Message Expiry Interval no larger than the published one to an online subscriber', async (_ctx, plain) => {
      const topic = `${uniqueId('t')}/online`;
      const sub = await connectV5(plain);
      track(sub.s);
      await subscribeV5(sub.s, [{ topic, qos: 1 }]);
      const pub = await connectV5(plain);
      track(pub.s);
      await publishV5(pub.s, topic, 'fresh', { qos: 1, properties: { messageExpiryInterval: 30 } });
      const msg = await sub.s.next<IPublishPacket>('publish');
      expect(msg.properties?.messageExpiryInterval).toBeDefined();
      expect(msg.properties!.messageExpiryInterval!).toBeLessThanOrEqual(30);
      expect(msg.properties!.messageExpiryInterval!).toBeGreaterThanOrEqual(28);
    });

  v5test(['MQTT-3.3.2-5'],
    'does not send an expired retained message to a new subscriber', async (_ctx, plain) => {
      const topic = `${uniqueId('t')}/ret-exp`;
      const pub = await connectV5(plain);
      track(pub.s);
      await publishV5(pub.s, topic, 'short', { qos: 1, retain: true, properties: { messageExpiryInterval: 1 } });
      const control = `${topic}/control`;
      await publishV5(pub.s, control, 'long', { qos: 1, retain: true });
      onTestFinished(() => publishV5(pub.s, control, '', { qos: 1, retain: true }).then(() => undefined, () => undefined));
      await elapse(2200);
      const sub = await connectV5(plain);
      track(sub.s);
      await subscribeV5(sub.s, [{ topic: `${topic}/#`, qos: 1 }]);
      await sub.s.next((p) => p.cmd === 'publish' && p.topic === control, 5000, 'the unexpired retained control message');
      expect(await sub.s.quiet(400, (p) => p.cmd === 'publish' && p.topic === topic)).toHaveLength(0);
      expect(sub.s.received.filter((p) => p.cmd === 'publish' && p.topic === topic)).toHaveLength(0);
    }, 15_000);
});
