// MQTT 5.0 Topic Aliases in both directions: the broker maps aliases it announced, rejects alias 0,
// aliases beyond its maximum and unknown aliases, forgets them across connections, and never sends
// aliases beyond the client's maximum.
import { expect, onTestFinished } from 'vitest';
import type { IPublishPacket } from 'mqtt-packet';
import { uniqueId } from '../../lib/mqtt/test-client.ts';
import { forProtocol5, v5test, behaviour, strict } from '../support/v5-harness.ts';
import { connectV5, subscribeV5, publishV5, type WireSession } from '../support/v5-wire.ts';

const track = (s: WireSession) => { onTestFinished(() => s.destroy()); return s; };

/** A Topic Alias error: DISCONNECT 0x94 (intended) or another error DISCONNECT / plain close (allowed). */
async function expectAliasError(ctx: Parameters<Parameters<typeof v5test>[2]>[0], s: WireSession, intended: number): Promise<void> {
  const out = await s.waitClosed(5000);
  const code = out.disconnect?.reasonCode;
  if (code !== undefined) expect(code, 'DISCONNECT reason code').toBeGreaterThanOrEqual(0x80);
  // MQTT-3.14.2-2: a server DISCONNECT never carries a Session Expiry Interval.
  expect(out.disconnect?.properties?.sessionExpiryInterval, 'Session Expiry Interval on a server DISCONNECT').toBeUndefined();
  if (strict()) expect(code, '--strict: DISCONNECT reason').toBe(intended);
  behaviour(ctx, code === undefined ? 'closed without DISCONNECT' : `DISCONNECT 0x${code.toString(16)} then close`);
}

forProtocol5(() => {
  v5test(['MQTT-3.3.2-12'],
    'maps a client Topic Alias within its Topic Alias Maximum: a PUBLISH with empty topic and the alias reaches the subscriber', async (ctx, plain) => {
      const pub = await connectV5(plain);
      track(pub.s);
      const max = pub.connack.properties?.topicAliasMaximum ?? 0;
      if (max === 0) {
        behaviour(ctx, 'Topic Alias Maximum 0: the server accepts no aliases');
        return;
      }
      const topic = `${uniqueId('t')}/alias`;
      const sub = await connectV5(plain);
      track(sub.s);
      sub.s.startAutoAck(); // 'two' may be held until 'one' is acknowledged
      await subscribeV5(sub.s, [{ topic, qos: 1 }]);
      await publishV5(pub.s, topic, 'one', { qos: 1, properties: { topicAlias: max } });
      await publishV5(pub.s, '', 'two', { qos: 1, properties: { topicAlias: max } });
      const second = await sub.s.next<IPublishPacket>((p) => p.cmd === 'publish' && p.payload.toString() === 'two', 5000, 'the aliased PUBLISH');
      expect(second.topic).toBe(topic);
      behaviour(ctx, `Topic Alias Maximum ${max}`);
    });

  v5test(['MQTT-3.3.2-8', 'MQTT-4.13.1-1', 'MQTT-3.14.2-2', 'MQTT-4.13.2-1'],
    'treats Topic Alias 0 as a Protocol Error: DISCONNECT 0x94 and close', async (ctx, plain) => {
      const { s } = await connectV5(plain);
      track(s);
      s.send({ cmd: 'publish', topic: `${uniqueId('t')}/a0`, payload: 'x', qos: 0, dup: false, retain: false, properties: { topicAlias: 0 } });
      await expectAliasError(ctx, s, 0x94);
    });

  v5test(['MQTT-3.3.2-12', 'MQTT-4.13.1-1', 'MQTT-4.13.2-1'],
    'rejects a Topic Alias beyond its Topic Alias Maximum: DISCONNECT 0x94 and close', async (ctx, plain) => {
      const { s, connack } = await connectV5(plain);
      track(s);
      const max = connack.properties?.topicAliasMaximum ?? 0;
      s.send({ cmd: 'publish', topic: `${uniqueId('t')}/over`, payload: 'x', qos: 0, dup: false, retain: false, properties: { topicAlias: max + 1 } });
      await expectAliasError(ctx, s, 0x94);
    });

  v5test(['MQTT-3.3.2-7', 'MQTT-4.13.1-1'],
    'does not carry a Topic Alias mapping over to a new connection: an unknown alias is a Protocol Error', async (ctx, plain) => {
      const clientId = uniqueId('ta');
      const first = await connectV5(plain, { clientId, properties: { sessionExpiryInterval: 60 } });
      if ((first.connack.properties?.topicAliasMaximum ?? 0) === 0) {
        first.s.destroy();
        behaviour(ctx, 'Topic Alias Maximum 0: nothing to carry over');
        return;
      }
      await publishV5(first.s, `${uniqueId('t')}/carry`, 'x', { qos: 1, properties: { topicAlias: 1 } });
      first.s.disconnect();
      await first.s.waitClosed();
      const again = await connectV5(plain, { clientId, clean: false });
      track(again.s);
      again.s.send({ cmd: 'publish', topic: '', payload: 'y', qos: 0, dup: false, retain: false, properties: { topicAlias: 1 } });
      await expectAliasError(ctx, again.s, 0x82);
    });

  v5test(['MQTT-3.1.2-27', 'MQTT-3.1.2-26', 'MQTT-3.3.2-11', 'MQTT-3.3.2-3'],
    'sends no Topic Alias to a client without Topic Alias Maximum, and none above the maximum of one that has it', async (ctx, plain) => {
      const topic = `${uniqueId('t')}/out`;
      const none = await connectV5(plain);
      track(none.s);
      const two = await connectV5(plain, { properties: { topicAliasMaximum: 2 } });
      track(two.s);
      await subscribeV5(none.s, [{ topic, qos: 0 }]);
      await subscribeV5(two.s, [{ topic, qos: 0 }]);
      const pub = await connectV5(plain);
      track(pub.s);
      for (let i = 0; i < 4; i++) await publishV5(pub.s, topic, `m${i}`, { qos: 1 });
      await none.s.next((p) => p.cmd === 'publish' && p.payload.toString() === 'm3', 5000, 'the 4th message');
      await two.s.next((p) => p.cmd === 'publish' && p.payload.toString() === 'm3', 5000, 'the 4th message');
      const noneMsgs = none.s.received.filter((p): p is IPublishPacket => p.cmd === 'publish');
      const twoMsgs = two.s.received.filter((p): p is IPublishPacket => p.cmd === 'publish');
      expect(noneMsgs.map((m) => m.properties?.topicAlias).filter((a) => a !== undefined), 'aliases sent to a client without Topic Alias Maximum').toEqual([]);
      for (const m of twoMsgs) {
        const a = m.properties?.topicAlias;
        if (a !== undefined) {
          expect(a).toBeGreaterThanOrEqual(1);
          expect(a).toBeLessThanOrEqual(2);
        }
      }
      // Where the server uses an alias with an empty topic, the topic must resolve (first use carries it).
      expect(twoMsgs[0]?.topic || undefined, 'first PUBLISH establishes the topic').toBe(topic);
      behaviour(ctx, twoMsgs.some((m) => m.properties?.topicAlias !== undefined) ? 'uses outbound topic aliases' : 'sends no outbound topic aliases (allowed)');
    });
});
