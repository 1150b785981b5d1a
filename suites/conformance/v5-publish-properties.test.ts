// MQTT 5.0 PUBLISH properties the broker must forward unaltered: Payload Format Indicator, Content
// Type, Response Topic, Correlation Data, User Properties (all of them, in order); and what it may
// do with a payload that claims UTF-8 but is not (0x99, or forward it).
import { expect } from 'vitest';
import type { IPublishPacket, IPubackPacket } from 'mqtt-packet';
import { uniqueId } from '../../lib/mqtt/test-client.ts';
import { forProtocol5, v5Test } from '../support/conformance.ts';
import { subscribeV5, publishV5, packetId } from '../support/conformance-flow.ts';

forProtocol5(() => {
  // The same check for a small payload and for one over 1 KiB (brokers often take another code path,
  // e.g. a larger buffer or a fragmented write, for large messages).
  const sizes = [
    { key: 'v5.publish-properties.forwarded-unaltered', size: '', payload: '{"a":1}' },
    { key: 'v5.publish-properties.forwarded-unaltered-large', size: ' with a 4 KiB payload', payload: JSON.stringify({ a: 'x'.repeat(4096) }) },
  ];
  for (const { key, size, payload } of sizes) {
    v5Test(key, ['MQTT-3.3.2-4', 'MQTT-3.3.2-15', 'MQTT-3.3.2-16', 'MQTT-3.3.2-20', 'MQTT-1.5.4-3'],
      `forwards Payload Format Indicator, Content Type, Response Topic and Correlation Data unaltered${size}`, async (env) => {
        const topic = `${uniqueId('t')}/props`;
        const sub = await env.connect();
        await subscribeV5(sub.client, [{ topic, qos: 1 }]);
        const pub = await env.connect();
        const correlationData = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x00]);
        // U+FEFF inside the Content Type must survive (MQTT-1.5.4-3: not stripped by a receiver).
        const contentType = '\uFEFFapplication/json; charset=utf-8';
        await publishV5(pub.client, topic, payload, { qos: 1, properties: { payloadFormatIndicator: true, contentType, responseTopic: `${topic}/reply`, correlationData } });
        const msg = await sub.client.log.next<IPublishPacket>('publish');
        expect(msg.payload.toString(), 'payload').toBe(payload);
        expect(msg.properties?.payloadFormatIndicator, 'Payload Format Indicator').toBe(true);
        expect(msg.properties?.contentType, 'Content Type').toBe(contentType);
        expect(msg.properties?.responseTopic, 'Response Topic').toBe(`${topic}/reply`);
        expect(Buffer.from(msg.properties?.correlationData ?? []).toString('hex'), 'Correlation Data').toBe(correlationData.toString('hex'));
      });
  }

  v5Test('v5.publish-properties.user-properties-in-order', ['MQTT-3.3.2-17', 'MQTT-3.3.2-18', 'MQTT-1.5.7-1'],
    'forwards every User Property unaltered and in order, including repeated names', async (env) => {
      const topic = `${uniqueId('t')}/up`;
      const sub = await env.connect();
      await subscribeV5(sub.client, [{ topic, qos: 1 }]);
      const pub = await env.connect();
      const userProperties = { zeta: 'last-name-first', alpha: ['1', '2', '3'], 'ключ': 'значение', empty: '' };
      await publishV5(pub.client, topic, 'p', { qos: 1, properties: { userProperties } });
      const msg = await sub.client.log.next<IPublishPacket>('publish');
      const got = msg.properties?.userProperties ?? {};
      expect(Object.keys(got), 'User Property names, in order').toEqual(Object.keys(userProperties));
      expect(got).toEqual(userProperties);
    });

  v5Test('v5.publish-properties.invalid-utf8-payload', ['MQTT-3.3.2-4', '§3.3.2.3.2'],
    'handles a payload that claims UTF-8 (indicator 1) but is not: PUBACK/DISCONNECT 0x99, or forwards it unaltered', async (env) => {
      const topic = `${uniqueId('t')}/pfi`;
      const sub = await env.connect();
      await subscribeV5(sub.client, [{ topic, qos: 1 }]);
      const pub = await env.connect();
      const messageId = packetId();
      const bad = Buffer.from([0x61, 0xc3, 0x28, 0xff]);
      pub.client.send({ cmd: 'publish', topic, payload: bad, qos: 1, dup: false, retain: false, messageId, properties: { payloadFormatIndicator: true } });
      const answer = await Promise.race([pub.client.log.next<IPubackPacket>((p) => p.cmd === 'puback' && p.messageId === messageId, 5000, 'PUBACK'), pub.client.expectClose(5000)]);
      if ('cmd' in answer && (answer.reasonCode ?? 0) < 0x80) {
        // Accepted: then it must be forwarded unaltered, indicator included (MQTT-3.3.2-4).
        const msg = await sub.client.log.next<IPublishPacket>('publish');
        expect(msg.payload.toString('hex')).toBe(bad.toString('hex'));
        expect(msg.properties?.payloadFormatIndicator).toBe(true);
        env.behaviour('no validation: forwarded unaltered', { intended: false, intends: 'the invalid UTF-8 payload refused with 0x99' });
        return;
      }
      const code = 'cmd' in answer ? answer.reasonCode : answer.disconnect?.reasonCode;
      if (code !== undefined) expect(code, 'reason code').toBe(0x99);
      expect(await sub.client.log.quiet(300, 'publish', 0), 'refused message delivered').toHaveLength(0);
      env.note(`refused: ${'cmd' in answer ? 'PUBACK' : 'DISCONNECT'} 0x${(code ?? 0).toString(16)}`);
    });
});
