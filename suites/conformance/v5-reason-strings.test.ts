// MQTT 5.0 reason codes on acknowledgements, Reason Strings / User Properties and Request Problem
// Information = 0.
import { expect } from 'vitest';
import type { Packet, IPublishPacket } from 'mqtt-packet';
import { PACKET_TYPE_NAMES, ackFields, type AckFields } from '../../lib/mqtt/frames.ts';
import { uniqueId } from '../../lib/mqtt/test-client.ts';
import { forProtocol5, v5Test } from '../support/conformance.ts';
import { nextAck, packetId, type AckCmd } from '../support/conformance-flow.ts';
import type { RawClient } from '../../lib/mqtt/raw-client.ts';

const PUBACK_CODES = [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99];
const PUBREL_CODES = [0x00, 0x92];
const SUBACK_CODES = [0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8f, 0x91, 0x97, 0x9e, 0xa1, 0xa2];
const UNSUBACK_CODES = [0x00, 0x11, 0x80, 0x83, 0x87, 0x8f, 0x91];

/** Waits for an acknowledgement by its type and bytes (5 s: a broker that answers slowly under load). */
const ack = (s: RawClient, cmd: AckCmd, id: number) => nextAck(s, cmd, id, 5000);

/** Every acknowledgement `cmd` the session received, in order, with its codes read from its bytes. */
const acksOf = (s: RawClient, cmd: AckCmd): AckFields[] =>
  s.received.filter((f) => f.type === PACKET_TYPE_NAMES.indexOf(cmd)).map((f) => ackFields(f, 5) ?? { messageId: -1, reasonCodes: [] });

/** PUBLISH at QoS 1 or 2 and the acknowledgements of its flow, waited for by type and Packet Identifier. */
async function publishAcked(c: RawClient, topic: string, qos: 1 | 2): Promise<void> {
  const messageId = packetId();
  c.send({ cmd: 'publish', topic, payload: 'x', qos, dup: false, retain: false, messageId });
  if (qos === 1) {
    await ack(c, 'puback', messageId);
    return;
  }
  await ack(c, 'pubrec', messageId);
  c.send({ cmd: 'pubrel', messageId });
  await ack(c, 'pubcomp', messageId);
}

/** Drives one session through every acknowledgement the server sends, including failure-prone ones. */
async function provokeAcks(s: RawClient, other: RawClient, base: string): Promise<void> {
  const subscribeId = packetId();
  s.send({ cmd: 'subscribe', messageId: subscribeId, subscriptions: [{ topic: `${base}/ok`, qos: 2 }, { topic: `${base}/+/one`, qos: 1 }, { topic: `${base}/zero`, qos: 0 }] });
  await ack(s, 'suback', subscribeId);
  await publishAcked(s, `${base}/nobody`, 1);
  await publishAcked(s, `${base}/nobody`, 2);
  await publishAcked(other, `${base}/ok`, 2);
  const msg = await s.log.next<IPublishPacket>('publish');
  s.send({ cmd: 'pubrec', messageId: msg.messageId!, reasonCode: 0 });
  await ack(s, 'pubrel', msg.messageId!);
  s.send({ cmd: 'pubcomp', messageId: msg.messageId!, reasonCode: 0 });
  // PUBREL for a Packet Identifier the server does not know: PUBCOMP 0x92 expected.
  const unknown = packetId();
  s.send({ cmd: 'pubrel', messageId: unknown, reasonCode: 0 });
  await ack(s, 'pubcomp', unknown);
  const u = packetId();
  s.send({ cmd: 'unsubscribe', messageId: u, unsubscriptions: [`${base}/ok`, `${base}/never`] });
  await ack(s, 'unsuback', u);
}

/** Each acknowledgement's Reason Code table and the statement that binds it to that table. */
const TABLES: Record<AckCmd, { codes: readonly number[]; id: string }> = {
  puback: { codes: PUBACK_CODES, id: 'MQTT-3.4.2-1' }, pubrec: { codes: PUBACK_CODES, id: 'MQTT-3.5.2-1' },
  pubrel: { codes: PUBREL_CODES, id: 'MQTT-3.6.2-1' }, pubcomp: { codes: PUBREL_CODES, id: 'MQTT-3.7.2-1' },
  suback: { codes: SUBACK_CODES, id: 'MQTT-3.9.3-2' }, unsuback: { codes: UNSUBACK_CODES, id: 'MQTT-3.11.3-2' },
};

const hex = (codes: number[]): string => codes.map((c) => `0x${c.toString(16)}`).join(',');

forProtocol5(() => {
  v5Test('v5.reason-codes.invalid-topic-filter', ['MQTT-4.7.1-1', 'MQTT-3.8.4-7', 'MQTT-4.13.1-1'],
    'refuses an invalid Topic Filter (a/#/b) in SUBSCRIBE: SUBACK 0x8F for it, or a Protocol Error close', async (env) => {
      const { client: s } = await env.connect();
      const base = uniqueId('t');
      const messageId = packetId();
      s.send({ cmd: 'subscribe', messageId, subscriptions: [{ topic: `${base}/ok`, qos: 1 }, { topic: `${base}/#/x`, qos: 1 }] });
      const answer = await Promise.race([s.log.next<{ cmd: 'suback'; granted: number[] } & Packet>('suback', 5000), s.expectClose(5000)]);
      if ('cmd' in answer) {
        expect(answer.granted).toHaveLength(2);
        expect(answer.granted[1], 'reason code for a/#/b').toBeGreaterThanOrEqual(0x80);
        env.note(`SUBACK ${answer.granted.map((c) => `0x${c.toString(16)}`).join(',')}`);
      } else {
        if (answer.disconnect) expect([0x81, 0x82, 0x8f]).toContain(answer.disconnect.reasonCode);
        env.note(answer.disconnect ? `DISCONNECT 0x${(answer.disconnect.reasonCode ?? 0).toString(16)}` : 'closed without DISCONNECT');
      }
    });

  v5Test('v5.reason-codes.per-table', ['MQTT-3.4.2-1', 'MQTT-3.5.2-1', 'MQTT-3.6.2-1', 'MQTT-3.7.2-1', 'MQTT-3.9.3-2', 'MQTT-3.11.3-2', 'MQTT-3.8.4-6', 'MQTT-3.9.3-1', 'MQTT-3.11.3-1', 'MQTT-3.8.4-7', 'MQTT-3.10.4-5', 'MQTT-3.8.4-5', 'MQTT-3.10.4-6'],
    'uses only the reason codes of each acknowledgement\'s table, one per filter and in filter order', async (env) => {
      const base = uniqueId('t');
      const { client: s } = await env.connect();
      const other = await env.connect();
      await provokeAcks(s, other.client, base);
      for (const [cmd, table] of Object.entries(TABLES)) {
        for (const c of acksOf(s, cmd as AckCmd).flatMap((a) => a.reasonCodes)) expect(table.codes, `${cmd} reason code 0x${c.toString(16)}`).toContain(c);
      }
      const suback = acksOf(s, 'suback')[0]?.reasonCodes;
      expect(suback, 'one SUBACK code per filter').toHaveLength(3);
      expect(suback![0], 'first filter (valid, QoS 2) is granted').toBeLessThan(0x80);
      expect(suback!.slice(1), 'granted QoS in filter order (1, then 0)').toEqual([1, 0]);
      const uc = acksOf(s, 'unsuback')[0]?.reasonCodes ?? [];
      expect(uc, 'one UNSUBACK code per filter').toHaveLength(2);
      expect(uc[0], 'unsubscribing an existing filter').toBe(0x00);
      expect([0x00, 0x11], 'unsubscribing an unknown filter').toContain(uc[1]);
      env.note(`SUBACK ${hex(suback!)}; UNSUBACK ${hex(uc)}; PUBCOMPs ${hex(acksOf(s, 'pubcomp').flatMap((a) => a.reasonCodes))}`);
    });

  // One test per acknowledgement, so a broker that misuses one table fails exactly that one.
  for (const [cmd, table] of Object.entries(TABLES)) {
    v5Test(`v5.reason-codes.table.${cmd}`, [table.id],
      `uses only ${cmd.toUpperCase()} Reason Codes in every ${cmd.toUpperCase()}`, async (env) => {
        const { client: s } = await env.connect();
        const other = await env.connect();
        await provokeAcks(s, other.client, uniqueId('t'));
        const mine = acksOf(s, cmd as AckCmd);
        expect(mine.length, `${cmd.toUpperCase()} packets received`).toBeGreaterThan(0);
        expect(hex(mine.flatMap((a) => a.reasonCodes).filter((c) => !table.codes.includes(c))), `codes outside the ${cmd.toUpperCase()} table`).toBe('');
      });
  }

  v5Test('v5.reason-codes.no-reason-string-unrequested', ['MQTT-3.1.2-29'],
    'sends no Reason String or User Property on packets other than PUBLISH, CONNACK and DISCONNECT when Request Problem Information is 0', async (env) => {
      const base = uniqueId('t');
      const { client: s } = await env.connect({ properties: { requestProblemInformation: false } });
      const other = await env.connect();
      await provokeAcks(s, other.client, base);
      for (const p of s.log.packets) {
        if (p.cmd === 'publish' || p.cmd === 'connack' || p.cmd === 'disconnect') continue;
        const props = (p as { properties?: { reasonString?: string; userProperties?: unknown } }).properties;
        expect(props?.reasonString, `Reason String on ${p.cmd}`).toBeUndefined();
        expect(props?.userProperties, `User Property on ${p.cmd}`).toBeUndefined();
      }
      env.note(`${s.log.packets.length} packets checked`);
    });
});
