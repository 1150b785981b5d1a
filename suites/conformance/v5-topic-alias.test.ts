// MQTT 5.0 Topic Aliases in both directions: the broker maps aliases it announced, rejects alias 0,
// aliases beyond its maximum and unknown aliases, forgets them across connections, and never sends
// aliases beyond the client's maximum.
import { expect } from 'vitest';
import type { IPublishPacket } from 'mqtt-packet';
import { uniqueId } from '../../lib/mqtt/test-client.ts';
import { forProtocol5, v5Test, type ConformanceEnv } from '../support/conformance.ts';
import { subscribeV5, publishV5 } from '../support/conformance-flow.ts';
import type { RawClient } from '../../lib/mqtt/raw-client.ts';

/** A Topic Alias error: DISCONNECT 0x94 (intended) or another error DISCONNECT / plain close (allowed). */
async function expectAliasError(env: ConformanceEnv, s: RawClient, intended: number): Promise<void> {
  // A broker that lets the error pass keeps the connection open: that is a failed check, not a timeout.
  const out = await s.expectClose(5000).catch(() => undefined);
  expect(out, 'the broker closed the connection after the Topic Alias error').toBeDefined();
  const code = out!.disconnect?.reasonCode;
  if (code !== undefined) expect(code, 'DISCONNECT reason code').toBeGreaterThanOrEqual(0x80);
  // MQTT-3.14.2-2: a server DISCONNECT never carries a Session Expiry Interval.
  expect(out!.disconnect?.properties?.sessionExpiryInterval, 'Session Expiry Interval on a server DISCONNECT').toBeUndefined();
  const label = (c: number | undefined) => (c === undefined ? 'closed without DISCONNECT' : `DISCONNECT 0x${c.toString(16)} then close`);
  env.behaviour(label(code), { intended: code === intended, intends: label(intended) });
}

/** Why a test of inbound aliases has nothing to check (an absent Topic Alias Maximum means 0, §3.2.2.3.8; MQTT-3.2.2-18). */
const noAliases = (announced: number | undefined) =>
  `the broker announces ${announced === undefined ? 'no Topic Alias Maximum (CONNACK; absent means 0)' : 'Topic Alias Maximum 0 (CONNACK)'}, so it accepts no Topic Alias`;

forProtocol5(() => {
  v5Test('v5.topic-alias.within-maximum', ['MQTT-3.3.2-12'],
    'maps a client Topic Alias within its Topic Alias Maximum: a PUBLISH with empty topic and the alias reaches the subscriber', async (env) => {
      const pub = await env.connect();
      const max = pub.connack.properties?.topicAliasMaximum ?? 0;
      if (max === 0) env.notApplicable(noAliases(pub.connack.properties?.topicAliasMaximum));
      const topic = `${uniqueId('t')}/alias`;
      const sub = await env.connect();
      sub.client.startAutoAck(); // 'two' may be held until 'one' is acknowledged
      await subscribeV5(sub.client, [{ topic, qos: 1 }]);
      await publishV5(pub.client, topic, 'one', { qos: 1, properties: { topicAlias: max } });
      await publishV5(pub.client, '', 'two', { qos: 1, properties: { topicAlias: max } });
      // Acknowledged but not delivered is the failure this checks, so its absence is an assertion.
      const second = await sub.client.log.next<IPublishPacket>((p) => p.cmd === 'publish' && p.payload.toString() === 'two', 5000).catch(() => undefined);
      expect(second, 'the aliased PUBLISH delivered to the subscriber').toBeDefined();
      expect(second!.topic).toBe(topic);
      env.note(`Topic Alias Maximum ${max}`);
    });

  v5Test('v5.topic-alias.zero', ['MQTT-3.3.2-8', 'MQTT-4.13.1-1', 'MQTT-3.14.2-2', 'MQTT-4.13.2-1'],
    'treats Topic Alias 0 as a Protocol Error: DISCONNECT 0x94 and close', async (env) => {
      const { client: s } = await env.connect();
      s.send({ cmd: 'publish', topic: `${uniqueId('t')}/a0`, payload: 'x', qos: 0, dup: false, retain: false, properties: { topicAlias: 0 } });
      await expectAliasError(env, s, 0x94);
    });

  v5Test('v5.topic-alias.over-maximum', ['MQTT-3.3.2-12', 'MQTT-4.13.1-1', 'MQTT-4.13.2-1'],
    'rejects a Topic Alias beyond its Topic Alias Maximum: DISCONNECT 0x94 and close', async (env) => {
      const { client: s, connack } = await env.connect();
      const max = connack.properties?.topicAliasMaximum ?? 0;
      s.send({ cmd: 'publish', topic: `${uniqueId('t')}/over`, payload: 'x', qos: 0, dup: false, retain: false, properties: { topicAlias: max + 1 } });
      await expectAliasError(env, s, 0x94);
    });

  v5Test('v5.topic-alias.not-carried-over', ['MQTT-3.3.2-7', 'MQTT-4.13.1-1'],
    'does not carry a Topic Alias mapping over to a new connection: an unknown alias is a Protocol Error', async (env) => {
      const clientId = uniqueId('ta');
      const first = await env.connect({ clientId, properties: { sessionExpiryInterval: 60 } });
      if ((first.connack.properties?.topicAliasMaximum ?? 0) === 0) env.notApplicable(`${noAliases(first.connack.properties?.topicAliasMaximum)}: no mapping to carry over`);
      await publishV5(first.client, `${uniqueId('t')}/carry`, 'x', { qos: 1, properties: { topicAlias: 1 } });
      first.client.disconnect();
      await first.client.expectClose();
      const again = await env.connect({ clientId, clean: false });
      again.client.send({ cmd: 'publish', topic: '', payload: 'y', qos: 0, dup: false, retain: false, properties: { topicAlias: 1 } });
      await expectAliasError(env, again.client, 0x82);
    });

  v5Test('v5.topic-alias.outbound', ['MQTT-3.1.2-27', 'MQTT-3.1.2-26', 'MQTT-3.3.2-11', 'MQTT-3.3.2-3'],
    'sends no Topic Alias to a client without Topic Alias Maximum, and none above the maximum of one that has it', async (env) => {
      const topic = `${uniqueId('t')}/out`;
      const none = await env.connect();
      const two = await env.connect({ properties: { topicAliasMaximum: 2 } });
      await subscribeV5(none.client, [{ topic, qos: 0 }]);
      await subscribeV5(two.client, [{ topic, qos: 0 }]);
      const pub = await env.connect();
      for (let i = 0; i < 4; i++) await publishV5(pub.client, topic, `m${i}`, { qos: 1 });
      await none.client.log.next((p) => p.cmd === 'publish' && p.payload.toString() === 'm3', 5000, 'the 4th message');
      await two.client.log.next((p) => p.cmd === 'publish' && p.payload.toString() === 'm3', 5000, 'the 4th message');
      const noneMsgs = none.client.log.packets.filter((p): p is IPublishPacket => p.cmd === 'publish');
      const twoMsgs = two.client.log.packets.filter((p): p is IPublishPacket => p.cmd === 'publish');
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
      env.note(twoMsgs.some((m) => m.properties?.topicAlias !== undefined) ? 'uses outbound topic aliases' : 'sends no outbound topic aliases (allowed)');
    });
});
