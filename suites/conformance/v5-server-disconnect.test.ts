// MQTT 5.0 server-sent DISCONNECT and connection-level errors: session taken over (0x8E),
// keep-alive timeout (0x8D), second CONNECT, first packet not CONNECT; valid reason codes only, no
// Session Expiry Interval on a server DISCONNECT, nothing sent after it.
import { expect } from 'vitest';
import type { IDisconnectPacket, IPublishPacket } from 'mqtt-packet';
import { uniqueId } from '../../lib/mqtt/test-client.ts';
import { forProtocol5, v5Test } from '../support/conformance.ts';
import { KEEP_ALIVE_TOLERANCE_MS } from '../support/conformance-flow.ts';
import type { RawClient } from '../../lib/mqtt/raw-client.ts';
import { PACKET_TYPE_NAMES, reasonCodeOf } from '../../lib/mqtt/frames.ts';

const DISCONNECT_REASON_CODES = [0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8b, 0x8d, 0x8e, 0x8f, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2];

/**
 * Checks every server DISCONNECT rule that applies whatever the cause, on the frames as they arrived:
 * mqtt-packet refuses to decode a DISCONNECT whose code is outside the table, and that refused frame is
 * exactly what MQTT-3.14.2-1 forbids. Returns the DISCONNECT (its decoding, or just its code).
 */
function checkDisconnect(s: RawClient): IDisconnectPacket | undefined {
  const at = s.received.findIndex((f) => f.type === 14);
  if (at < 0) return undefined;
  const frame = s.received[at]!;
  const reasonCode = reasonCodeOf(frame);
  expect(DISCONNECT_REASON_CODES, 'DISCONNECT reason code is one of the table').toContain(reasonCode);
  const d = frame.packet as IDisconnectPacket | undefined;
  expect(d?.properties?.sessionExpiryInterval, 'Session Expiry Interval on a server DISCONNECT').toBeUndefined();
  const after = s.received.slice(at + 1);
  expect(after.map((f) => PACKET_TYPE_NAMES[f.type]), 'packets after DISCONNECT').toEqual([]);
  return d ?? { cmd: 'disconnect', ...(reasonCode !== undefined ? { reasonCode } : {}) };
}

forProtocol5(() => {
  v5Test('v5.server-disconnect.session-taken-over', ['MQTT-3.1.4-3', 'MQTT-3.14.2-1', 'MQTT-3.14.2-2', 'MQTT-3.14.4-1', 'MQTT-3.14.4-2', 'MQTT-4.13.2-1'],
    'sends DISCONNECT 0x8E (Session taken over) to the existing connection and closes it', async (env) => {
      const clientId = uniqueId('to');
      const first = await env.connect({ clientId });
      const second = await env.connect({ clientId });
      expect(second.connack.reasonCode ?? 0).toBe(0);
      await first.client.expectClose(5000);
      const d = checkDisconnect(first.client);
      if (d) expect(d.reasonCode).toBe(0x8e);
      env.behaviour(d ? `DISCONNECT 0x${(d.reasonCode ?? 0).toString(16)}${d.properties?.reasonString ? ` "${d.properties.reasonString}"` : ''}` : 'closed without DISCONNECT', { intended: d?.reasonCode === 0x8e, intends: 'DISCONNECT 0x8e' });
    });

  v5Test('v5.server-disconnect.keep-alive-timeout', ['MQTT-3.1.2-22', 'MQTT-3.14.2-1', 'MQTT-3.14.2-2', 'MQTT-3.14.4-1'],
    'closes a connection silent for 1.5x Keep Alive, with DISCONNECT 0x8D (Keep Alive timeout) if it sends one', async (env) => {
      const { client: s, connack } = await env.connect({ keepalive: 1 });
      const ka = connack.properties?.serverKeepAlive ?? 1;
      // A default run tolerates KEEP_ALIVE_TOLERANCE_MS beyond 1.5 x Keep Alive (timer ticks, a shared machine) and notes it.
      const t0 = Date.now();
      const specMs = ka * 1500;
      const toleratedMs = specMs + KEEP_ALIVE_TOLERANCE_MS;
      await s.expectClose(toleratedMs);
      env.measure({ what: 'close of a silent connection after CONNACK', valueMs: Date.now() - t0, bound: 'at-most', specMs, toleratedMs, context: `with Keep Alive ${ka} s` });
      const d = checkDisconnect(s);
      if (d) expect(d.reasonCode).toBe(0x8d);
      env.note(d ? 'DISCONNECT 0x8D then close' : 'closed without DISCONNECT');
    }, { timeoutMs: 25_000 });

  v5Test('v5.server-disconnect.pinging-kept-open', ['MQTT-3.12.4-1', 'MQTT-3.1.2-22'],
    'answers PINGREQ with PINGRESP and keeps a pinging connection open past 1.5x Keep Alive', async (env) => {
      const { client: s } = await env.connect({ keepalive: 1 });
      for (let i = 0; i < 4; i++) {
        s.send({ cmd: 'pingreq' });
        await s.log.nextNew('pingresp', 3000);
        await s.log.quiet(500);
      }
      expect(s.closed, 'closed although the client kept pinging').toBe(false);
    });

  v5Test('v5.server-disconnect.second-connect', ['MQTT-3.1.0-2', 'MQTT-4.13.1-1', 'MQTT-3.14.2-1', 'MQTT-3.2.0-2'],
    'treats a second CONNECT as a Protocol Error: DISCONNECT 0x82 (if any) and close; never a second CONNACK', async (env) => {
      const { client: s } = await env.connect();
      s.send({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 5, clean: true, keepalive: 60, clientId: uniqueId('c2') });
      await env.expectPacket(s, s.expectClose(5000), 'the close after a second CONNECT');
      const d = checkDisconnect(s);
      if (d) expect(d.reasonCode).toBe(0x82);
      expect(s.log.packets.filter((p) => p.cmd === 'connack'), 'CONNACKs').toHaveLength(1);
      env.note(d ? 'DISCONNECT 0x82 then close' : 'closed without DISCONNECT');
    });

  v5Test('v5.server-disconnect.first-packet-not-connect', ['MQTT-3.1.0-1', 'MQTT-3.14.0-1', 'MQTT-3.2.0-1'],
    'closes a connection whose first packet is not CONNECT, without CONNACK or DISCONNECT', async (env) => {
      const s = await env.open();
      s.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a/b', qos: 0 }] });
      await s.expectClose(5000);
      // Every frame counts, also one that does not decode: nothing may come back before CONNECT.
      expect(s.received.map((f) => f.packet?.cmd ?? `undecodable ${f.bytes.toString('hex')}`), 'packets before CONNECT').toEqual([]);
      env.note('closed silently');
    });

  v5Test('v5.server-disconnect.reserved-flags', ['MQTT-3.14.1-1', 'MQTT-4.13.1-1'],
    'treats a DISCONNECT with non-zero reserved flags as malformed: closes, and publishes the Will', async (env) => {
      const topic = `${uniqueId('t')}/dc-flags`;
      const w = await env.connect();
      w.client.send({ cmd: 'subscribe', messageId: 2, subscriptions: [{ topic, qos: 0 }] });
      await w.client.log.next('suback');
      const { client: s } = await env.connect({ will: { topic, payload: 'malformed-dc', qos: 0, retain: false } });
      s.send(Buffer.from('e1020000', 'hex')); // DISCONNECT, flags 0001
      const out = await env.expectPacket(s, s.expectClose(5000), 'the close after a malformed DISCONNECT');
      expect(s.closed, 'the connection closed after the malformed DISCONNECT').toBe(true);
      if (out.disconnect) expect(out.disconnect.reasonCode).toBe(0x81);
      // A malformed DISCONNECT is not a normal disconnection: the Will stays and is published.
      const will = await env.expectPacket(w.client, w.client.log.next<IPublishPacket>('publish', 5000, 'the Will after a malformed DISCONNECT'), 'the Will after a malformed DISCONNECT');
      expect(will.payload.toString(), 'the Will after a malformed DISCONNECT').toBe('malformed-dc');
      env.note(out.disconnect ? 'DISCONNECT 0x81 then close' : 'closed without DISCONNECT');
    });
});
