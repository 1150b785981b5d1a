// MQTT 5.0 CONNACK: flags, reason codes and properties — and that the broker honours what it
// announces (Maximum QoS, Retain Available, Topic Alias Maximum, Receive Maximum, Maximum Packet
// Size, Server Keep Alive, Assigned Client Identifier, Response Information).
import { expect, onTestFinished } from 'vitest';
import type { IConnackPacket, IPublishPacket } from 'mqtt-packet';
import { uniqueId } from '../../lib/mqtt/test-client.ts';
import { forProtocol5, v5Test } from '../support/conformance.ts';
import { subscribeV5, publishV5 } from '../support/conformance-flow.ts';

const CONNECT_REASON_CODES = [0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8c, 0x90, 0x95, 0x97, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9f];

forProtocol5(() => {
  v5Test('v5.connack.clean-connect', ['MQTT-3.1.4-5', 'MQTT-3.2.0-1', 'MQTT-3.2.2-1', 'MQTT-3.2.2-2', 'MQTT-3.2.2-8', 'MQTT-3.1.2-4', 'MQTT-3.1.4-4'],
    'accepts a clean CONNECT with CONNACK 0x00, Session Present 0 and no reserved flag set', async (env) => {
      const { client: s, connack } = await env.connect({ clean: true });
      expect(s.log.packets[0]?.cmd, 'first packet from the server').toBe('connack');
      expect((s.received[0]?.bytes[2] ?? 0) & 0xfe, 'CONNACK Acknowledge Flags bits 7-1 (reserved, MQTT-3.2.2-1)').toBe(0);
      expect(connack.reasonCode ?? 0).toBe(0);
      expect(CONNECT_REASON_CODES).toContain(connack.reasonCode ?? 0);
      expect(connack.sessionPresent).toBe(false);
      env.note(`CONNACK properties: ${JSON.stringify(connack.properties ?? {})}`);
    });

  v5Test('v5.connack.assigned-client-id', ['MQTT-3.2.2-16', 'MQTT-3.1.3-6', 'MQTT-3.1.3-7'],
    'assigns a unique Client Identifier to a zero-length one and returns it in CONNACK', async (env) => {
      const a = await env.connect({ clientId: '' });
      const b = await env.connect({ clientId: '' });
      if ((a.connack.reasonCode ?? 0) === 0x85) {
        // The spec lets a server refuse zero-length ids (MQTT-3.1.3-8): 0x85 and close.
        await a.client.expectClose();
        env.notApplicable('the broker refuses a zero-length Client Identifier with CONNACK 0x85 and closes (allowed, MQTT-3.1.3-8), so it assigns none');
      }
      const idA = a.connack.properties?.assignedClientIdentifier;
      const idB = b.connack.properties?.assignedClientIdentifier;
      expect(idA, 'Assigned Client Identifier').toBeTruthy();
      expect(idB, 'Assigned Client Identifier').toBeTruthy();
      expect(idA).not.toBe(idB);
      // Processing continues as if the client had sent that id: the session works.
      const topic = `${uniqueId('t')}/assigned`;
      await subscribeV5(a.client, [{ topic, qos: 1 }]);
      await publishV5(b.client, topic, 'x', { qos: 1 });
      await a.client.log.next('publish');
      env.note(`assigned ${idA} and ${idB}`);
    });

  v5Test('v5.connack.maximum-qos', ['MQTT-3.2.2-9', 'MQTT-3.2.2-10', 'MQTT-3.8.4-8'],
    'honours the Maximum QoS it announces: accepts SUBSCRIBE at QoS 2 and never delivers above the maximum', async (env) => {
      const sub = await env.connect();
      const maxQos = sub.connack.properties?.maximumQoS ?? 2;
      const topic = `${uniqueId('t')}/maxqos`;
      const suback = await subscribeV5(sub.client, [{ topic, qos: 2 }]);
      const granted = suback.granted[0] ?? 0x80;
      expect(granted, 'SUBACK for QoS 2 must be accepted (granted QoS)').toBeLessThan(0x80);
      expect(granted).toBeLessThanOrEqual(maxQos);
      const pub = await env.connect();
      await publishV5(pub.client, topic, 'q', { qos: Math.min(2, pub.connack.properties?.maximumQoS ?? 2) as 0 | 1 | 2 });
      const msg = await sub.client.log.next<IPublishPacket>('publish');
      expect(msg.qos, `delivered QoS vs announced Maximum QoS ${maxQos}`).toBeLessThanOrEqual(maxQos);
      env.note(`Maximum QoS ${sub.connack.properties?.maximumQoS ?? 'absent (2)'}; granted ${granted}; delivered at QoS ${msg.qos}`);
    });

  v5Test('v5.connack.retain-available', ['MQTT-3.3.1-5', 'MQTT-3.3.1-9'],
    'honours Retain Available: a retained message is stored and sent to a new subscriber unless the server announced 0', async (env) => {
      const pub = await env.connect();
      const topic = `${uniqueId('t')}/retain`;
      if (pub.connack.properties?.retainAvailable === false) env.notApplicable('the broker announces Retain Available 0 (CONNACK), so it stores no retained message');
      await publishV5(pub.client, topic, 'kept', { qos: 1, retain: true });
      onTestFinished(() => publishV5(pub.client, topic, '', { qos: 1, retain: true }).then(() => undefined, () => undefined));
      const sub = await env.connect();
      await subscribeV5(sub.client, [{ topic, qos: 1 }]);
      const msg = await sub.client.log.next<IPublishPacket>('publish');
      expect(msg.retain).toBe(true);
      expect(msg.payload.toString()).toBe('kept');
    });

  v5Test('v5.connack.server-keep-alive', ['MQTT-3.2.2-22', 'MQTT-3.1.2-22'],
    'uses the client Keep Alive unless it sends Server Keep Alive, and closes a silent connection after 1.5x that', async (env) => {
      const { client: s, connack } = await env.connect({ keepalive: 1 });
      const keepAlive = connack.properties?.serverKeepAlive ?? 1;
      if (keepAlive === 0 || keepAlive > 5) {
        env.notApplicable(`the broker announces Server Keep Alive ${keepAlive} (CONNACK): ${keepAlive === 0 ? 'keep-alive disabled, so no silent connection is closed' : 'too long to wait out here'}`);
      }
      const t0 = Date.now();
      // A default run tolerates 6 s beyond 1.5 x Keep Alive (timer ticks, a shared machine) and notes it.
      const specMs = keepAlive * 1500;
      const toleratedMs = specMs + 6000;
      const out = await s.expectClose(toleratedMs);
      const tookMs = Date.now() - t0;
      env.measure({ what: 'close of a silent connection after CONNACK', valueMs: tookMs, bound: 'at-most', specMs, toleratedMs, context: `with Keep Alive ${keepAlive} s` });
      // Not before 1 x Keep Alive (the spec's grace is 1.5 x); a small margin for timers.
      expect(tookMs, 'closed too early').toBeGreaterThanOrEqual(keepAlive * 1000 - 200);
      if (out.disconnect) expect(out.disconnect.reasonCode).toBe(0x8d);
      env.note(`closed after ${tookMs} ms with ${out.disconnect ? `DISCONNECT 0x${(out.disconnect.reasonCode ?? 0).toString(16)}` : 'no DISCONNECT'}`);
    });

  v5Test('v5.connack.no-response-information', ['MQTT-3.1.2-28'],
    'returns no Response Information when Request Response Information is 0', async (env) => {
      const off = await env.connect({ properties: { requestResponseInformation: false } });
      expect(off.connack.properties?.responseInformation).toBeUndefined();
      const on = await env.connect({ properties: { requestResponseInformation: true } });
      env.note(`with Request Response Information 1: ${on.connack.properties?.responseInformation === undefined ? 'no Response Information (allowed)' : `"${on.connack.properties.responseInformation}"`}`);
    });

  v5Test('v5.connack.clean-start-0-no-session', ['MQTT-3.2.2-3', 'MQTT-3.1.2-6'],
    'answers Clean Start 0 without an existing session with Session Present 0', async (env) => {
      const { client: s, connack } = await env.connect({ clean: false, properties: { sessionExpiryInterval: 0 } });
      expect(connack.reasonCode ?? 0).toBe(0);
      expect(connack.sessionPresent).toBe(false);
    });

  v5Test('v5.connack.unsupported-protocol-version', ['MQTT-3.2.2-6', 'MQTT-3.2.2-7', 'MQTT-3.1.2-2', 'MQTT-4.13.2-1', 'MQTT-3.14.0-1'],
    'refuses an unsupported protocol version: CONNACK 0x84 (optional) with Session Present 0, then closes; no DISCONNECT', async (env) => {
      const s = await env.open();
      // CONNECT with protocol level 6, v5 layout.
      s.send(Buffer.from('101000044d5154540602003c0000036' + '12d62', 'hex'));
      const out = await env.expectPacket(s, s.expectClose(5000), 'the close after a CONNECT with protocol level 6');
      expect(s.log.packets.some((p) => p.cmd === 'disconnect'), 'DISCONNECT before a successful CONNACK').toBe(false);
      const ack = s.log.packets.find((p): p is IConnackPacket => p.cmd === 'connack');
      const code = ack ? (ack.reasonCode ?? ack.returnCode ?? 0) : undefined;
      // A 2-byte CONNACK with code 0x01 is the 3.1.1 answer to an unacceptable level: the server
      // cannot know which CONNACK layout a client of an unknown version reads, so we accept it.
      const legacy = ack !== undefined && (ack as IConnackPacket & { length?: number }).length === 2 && code === 0x01;
      if (ack) {
        expect(ack.sessionPresent).toBe(false);
        if (!legacy) expect(code).toBeGreaterThanOrEqual(0x80);
      }
      env.behaviour(ack ? `CONNACK 0x${code!.toString(16)}${legacy ? ' in 3.1.1 layout' : ''} then close` : `closed without CONNACK${out.disconnect ? ' (after DISCONNECT!)' : ''}`, { intended: code === 0x84, intends: 'CONNACK 0x84 then close' });
    });
});
