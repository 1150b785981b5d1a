// MQTT 5.0 Will: Will Delay Interval (and its cancellation by a reconnect), Will Properties in
// order, retain flag, DISCONNECT 0x00 vs 0x04. Absence is proven with stated quiet windows; the
// delay itself is timed against a lower bound only (the machine is shared and noisy).
import { expect, onTestFinished } from 'vitest';
import type { IPublishPacket } from 'mqtt-packet';
import { uniqueId } from '../../lib/mqtt/test-client.ts';
import { forProtocol5, v5Test, type ConformanceEnv } from '../support/conformance.ts';
import { subscribeV5 } from '../support/conformance-flow.ts';

async function watcher(env: ConformanceEnv, topic: string) {
  const w = await env.connect();
  await subscribeV5(w.client, [{ topic, qos: 1, rap: true }]);
  return w.client;
}

forProtocol5(() => {
  v5Test('v5.will.delay-interval', ['MQTT-3.1.2-7', 'MQTT-3.1.2-8', 'MQTT-3.1.2-14', 'MQTT-3.1.3-10', 'MQTT-3.1.2-10'],
    'publishes the Will after its Will Delay Interval on an abnormal close, non-retained, with its properties in order — once', async (env) => {
      const topic = `${uniqueId('t')}/will`;
      const w = await watcher(env, topic);
      const userProperties = { second: 'b', first: 'a', rep: ['1', '2'] };
      const c = await env.connect({
        properties: { sessionExpiryInterval: 10 },
        will: { topic, payload: 'gone', qos: 1, retain: false, properties: { willDelayInterval: 1, contentType: 'text/plain', userProperties } },
      });
      c.client.destroy();
      const t0 = Date.now();
      const msg = await w.log.next<IPublishPacket>('publish', 6000, 'the Will');
      const delayMs = Date.now() - t0;
      // Not before the 1 s Will Delay Interval; a default run tolerates 200 ms early (brokers count
      // whole seconds on a tick) and notes it, --strict does not.
      env.measure({ what: 'Will after the abnormal close', valueMs: delayMs, bound: 'at-least', specMs: 1000, toleratedMs: 800, context: 'with Will Delay Interval 1 s' });
      expect(msg.payload.toString()).toBe('gone');
      expect(msg.retain).toBe(false);
      expect(msg.properties?.contentType).toBe('text/plain');
      expect(Object.keys(msg.properties?.userProperties ?? {}), 'Will User Property order').toEqual(Object.keys(userProperties));
      expect(msg.properties?.userProperties).toEqual(userProperties);
      // The whole log (mark 0): a second Will may come in the same write as the first.
      expect(await w.log.quiet(1200, 'publish', 0), 'Will published twice').toHaveLength(1);
      env.note(`Will after ${delayMs} ms`);
    }, { timeoutMs: 15_000 });

  v5Test('v5.will.reconnect-cancels', ['MQTT-3.1.3-9', 'MQTT-3.1.2-8'],
    'does not publish the Will when the client reconnects before the Will Delay Interval passes', async (env) => {
      const topic = `${uniqueId('t')}/will-cancel`;
      const w = await watcher(env, topic);
      const clientId = uniqueId('wd');
      const c = await env.connect({ clientId, properties: { sessionExpiryInterval: 30 }, will: { topic, payload: 'x', qos: 1, retain: false, properties: { willDelayInterval: 3 } } });
      const closed = w.log.mark();
      c.client.destroy();
      const again = await env.connect({ clientId, clean: false, properties: { sessionExpiryInterval: 0 } });
      // From the close on: a Will published at once arrives before the reconnect's CONNACK.
      expect(await w.log.quiet(3800, 'publish', closed), 'Will published despite a reconnect within the delay').toHaveLength(0);
    }, { timeoutMs: 15_000 });

  v5Test('v5.will.session-end-before-delay', ['MQTT-3.1.2-8'],
    'publishes the Will when the session ends before the Will Delay Interval', async (env) => {
      const topic = `${uniqueId('t')}/will-session`;
      const w = await watcher(env, topic);
      const c = await env.connect({ properties: { sessionExpiryInterval: 1 }, will: { topic, payload: 'session-end', qos: 1, retain: false, properties: { willDelayInterval: 60 } } });
      c.client.destroy();
      const t0 = Date.now();
      const will = await w.log.next<IPublishPacket>('publish', 6000, 'the Will at session end');
      expect(will.payload.toString(), 'the Will published at session end').toBe('session-end');
      // "after ... the Session ends" sets no upper bound, so the delay is only recorded.
      env.note(`Will ${Date.now() - t0} ms after close (session expiry 1 s, will delay 60 s)`);
    }, { timeoutMs: 15_000 });

  v5Test('v5.will.retained', ['MQTT-3.1.2-15'],
    'publishes a Will with Will Retain 1 as a retained message', async (env) => {
      const topic = `${uniqueId('t')}/will-retain`;
      const c = await env.connect({ will: { topic, payload: 'kept', qos: 1, retain: true } });
      const w = await watcher(env, topic);
      c.client.destroy();
      const live = await w.log.next<IPublishPacket>('publish', 5000, 'the Will');
      expect(live.retain, 'RETAIN (Retain As Published subscriber)').toBe(true);
      onTestFinished(async () => { const x = await env.connect(); x.client.send({ cmd: 'publish', topic, payload: '', qos: 0, dup: false, retain: true }); x.client.disconnect(); });
      const late = await watcher(env, topic);
      const stored = await late.log.next<IPublishPacket>('publish', 5000, 'the retained Will');
      expect(stored.payload.toString()).toBe('kept');
    });

  v5Test('v5.will.disconnect-with-will', ['MQTT-3.14.4-3', 'MQTT-3.1.2-10'],
    'discards the Will on DISCONNECT 0x00 but publishes it on DISCONNECT 0x04 (Disconnect with Will Message)', async (env) => {
      const topic = `${uniqueId('t')}/will-dc`;
      const w = await watcher(env, topic);
      const normal = await env.connect({ will: { topic, payload: 'normal', qos: 1, retain: false } });
      normal.client.disconnect(0x00);
      const withWill = await env.connect({ will: { topic, payload: 'with-will', qos: 1, retain: false } });
      withWill.client.disconnect(0x04);
      await w.log.next((p) => p.cmd === 'publish' && String(p.payload) === 'with-will', 5000, 'the Will after DISCONNECT 0x04');
      await w.log.quiet(400);
      expect(w.log.packets.filter((p) => p.cmd === 'publish' && String(p.payload) === 'normal'), 'Will after DISCONNECT 0x00').toHaveLength(0);
    });
});
