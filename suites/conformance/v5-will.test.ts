// MQTT 5.0 Will: Will Delay Interval (and its cancellation by a reconnect), Will Properties in
// order, retain flag, DISCONNECT 0x00 vs 0x04. Absence is proven with stated quiet windows; the
// delay itself is timed against a lower bound only (the machine is shared and noisy).
import { expect, onTestFinished } from 'vitest';
import type { IPublishPacket } from 'mqtt-packet';
import { uniqueId } from '../../lib/mqtt/test-client.ts';
import { forProtocol5, v5test, behaviour } from '../support/v5-harness.ts';
import { connectV5, subscribeV5, type WireSession } from '../support/v5-wire.ts';
import type { ListenerInfo } from '../../lib/core/broker.ts';

const track = (s: WireSession) => { onTestFinished(() => s.destroy()); return s; };

async function watcher(plain: ListenerInfo, topic: string) {
  const w = await connectV5(plain);
  track(w.s);
  await subscribeV5(w.s, [{ topic, qos: 1, rap: true }]);
  return w.s;
}

forProtocol5(() => {
  v5test(['MQTT-3.1.2-7', 'MQTT-3.1.2-8', 'MQTT-3.1.2-14', 'MQTT-3.1.3-10', 'MQTT-3.1.2-10'],
    'publishes the Will after its Will Delay Interval on an abnormal close, non-retained, with its properties in order — once', async (ctx, plain) => {
      const topic = `${uniqueId('t')}/will`;
      const w = await watcher(plain, topic);
      const userProperties = { second: 'b', first: 'a', rep: ['1', '2'] };
      const c = await connectV5(plain, {
        properties: { sessionExpiryInterval: 10 },
        will: { topic, payload: 'gone', qos: 1, retain: false, properties: { willDelayInterval: 1, contentType: 'text/plain', userProperties } },
      });
      c.s.destroy();
      const t0 = Date.now();
      const msg = await w.next<IPublishPacket>('publish', 6000, 'the Will');
      const delayMs = Date.now() - t0;
      expect(delayMs, 'Will sent before its 1 s delay').toBeGreaterThanOrEqual(800);
      expect(msg.payload.toString()).toBe('gone');
      expect(msg.retain).toBe(false);
      expect(msg.properties?.contentType).toBe('text/plain');
      expect(Object.keys(msg.properties?.userProperties ?? {}), 'Will User Property order').toEqual(Object.keys(userProperties));
      expect(msg.properties?.userProperties).toEqual(userProperties);
      expect(await w.quiet(1200, 'publish'), 'Will published twice').toHaveLength(0);
      behaviour(ctx, `Will after ${delayMs} ms`);
    }, 15_000);

  v5test(['MQTT-3.1.3-9', 'MQTT-3.1.2-8'],
    'does not publish the Will when the client reconnects before the Will Delay Interval passes', async (_ctx, plain) => {
      const topic = `${uniqueId('t')}/will-cancel`;
      const w = await watcher(plain, topic);
      const clientId = uniqueId('wd');
      const c = await connectV5(plain, { clientId, properties: { sessionExpiryInterval: 30 }, will: { topic, payload: 'x', qos: 1, retain: false, properties: { willDelayInterval: 3 } } });
      c.s.destroy();
      const again = await connectV5(plain, { clientId, clean: false, properties: { sessionExpiryInterval: 0 } });
      track(again.s);
      expect(await w.quiet(3800, 'publish'), 'Will published despite a reconnect within the delay').toHaveLength(0);
    }, 15_000);

  v5test(['MQTT-3.1.2-8'],
    'publishes the Will when the session ends before the Will Delay Interval', async (ctx, plain) => {
      const topic = `${uniqueId('t')}/will-session`;
      const w = await watcher(plain, topic);
      const c = await connectV5(plain, { properties: { sessionExpiryInterval: 1 }, will: { topic, payload: 'session-end', qos: 1, retain: false, properties: { willDelayInterval: 60 } } });
      c.s.destroy();
      const t0 = Date.now();
      await w.next('publish', 6000, 'the Will at session end');
      behaviour(ctx, `Will ${Date.now() - t0} ms after close (session expiry 1 s, will delay 60 s)`);
    }, 15_000);

  v5test(['MQTT-3.1.2-15'],
    'publishes a Will with Will Retain 1 as a retained message', async (_ctx, plain) => {
      const topic = `${uniqueId('t')}/will-retain`;
      const c = await connectV5(plain, { will: { topic, payload: 'kept', qos: 1, retain: true } });
      const w = await watcher(plain, topic);
      c.s.destroy();
      const live = await w.next<IPublishPacket>('publish', 5000, 'the Will');
      expect(live.retain, 'RETAIN (Retain As Published subscriber)').toBe(true);
      onTestFinished(async () => { const x = await connectV5(plain); x.s.send({ cmd: 'publish', topic, payload: '', qos: 0, dup: false, retain: true }); x.s.disconnect(); });
      const late = await watcher(plain, topic);
      const stored = await late.next<IPublishPacket>('publish', 5000, 'the retained Will');
      expect(stored.payload.toString()).toBe('kept');
    });

  v5test(['MQTT-3.14.4-3', 'MQTT-3.1.2-10'],
    'discards the Will on DISCONNECT 0x00 but publishes it on DISCONNECT 0x04 (Disconnect with Will Message)', async (_ctx, plain) => {
      const topic = `${uniqueId('t')}/will-dc`;
      const w = await watcher(plain, topic);
      const normal = await connectV5(plain, { will: { topic, payload: 'normal', qos: 1, retain: false } });
      normal.s.disconnect(0x00);
      const withWill = await connectV5(plain, { will: { topic, payload: 'with-will', qos: 1, retain: false } });
      withWill.s.disconnect(0x04);
      await w.next((p) => p.cmd === 'publish' && String(p.payload) === 'with-will', 5000, 'the Will after DISCONNECT 0x04');
      await w.quiet(400);
      expect(w.received.filter((p) => p.cmd === 'publish' && String(p.payload) === 'normal'), 'Will after DISCONNECT 0x00').toHaveLength(0);
    });
});
