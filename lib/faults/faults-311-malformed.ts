// MQTT 3.1.1 faults of a broker that is lenient with malformed client packets: it silently ignores
// or "repairs" one specific defect instead of closing the connection (MQTT-4.8.0-1 and the statements
// naming each defect). Each fault is conditional on its one defect; every valid packet passes.
import type { Packet } from 'mqtt-packet';
import type { Frame } from '../mqtt/frames.ts';
import type { Fault } from './fault.ts';
import { body, filtersOf, headerLength, ignores, rawTopic, repairs, wellFormedUtf8, withByte, type Defect } from './fault-helpers.ts';

const isPublish = (f: Frame) => f.type === 3;
const topicHas = (f: Frame, byte: number) => isPublish(f) && rawTopic(f).includes(byte);
const hasSurrogate = (b: Buffer) => b.some((x, i) => x === 0xed && (b[i + 1]! & 0xe0) === 0xa0);
/** Offset of the CONNECT flags byte (after the fixed header, "MQTT" and the level). */
const connectFlagsAt = (f: Frame) => headerLength(f.bytes) + 7;
const connectFlags = (f: Frame) => (f.type === 1 ? f.bytes[connectFlagsAt(f)] ?? 0 : 0);
const filtersWhere = (type: number, test: (b: Buffer) => boolean): Defect => (f, c) => f.type === type && filtersOf(f, c.protocolVersion).some(test);

export const MALFORMED_311_FAULTS: readonly Fault[] = [
  ignores('ignore-surrogate-in-topic', 'MQTT-1.5.3-1', ['vector.malformed.publish-topic-surrogate'],
    'a PUBLISH whose topic encodes a UTF-16 surrogate (CESU-style decoding)', (f) => isPublish(f) && hasSurrogate(rawTopic(f))),
  ignores('ignore-null-in-topic', 'MQTT-1.5.3-2', ['vector.malformed.publish-topic-null-char'],
    'a PUBLISH whose topic contains U+0000', (f) => topicHas(f, 0)),
  ignores('ignore-ill-formed-topic', 'MQTT-3.3.2-1', ['vector.malformed.publish-topic-bad-utf8'],
    'a PUBLISH whose topic is ill-formed UTF-8 (not a surrogate)', (f) => isPublish(f) && !wellFormedUtf8(rawTopic(f)) && !hasSurrogate(rawTopic(f))),
  ignores('ignore-plus-in-topic-name', 'MQTT-3.3.2-2', ['vector.malformed.publish-topic-plus'],
    "a PUBLISH whose topic name contains '+'", (f) => topicHas(f, 0x2b)),
  ignores('ignore-hash-in-topic-name', 'MQTT-4.7.1-1', ['vector.malformed.publish-topic-hash'],
    "a PUBLISH whose topic name contains '#'", (f) => topicHas(f, 0x23)),
  ignores('ignore-empty-topic-name', 'MQTT-4.7.3-1', ['vector.malformed.publish-topic-empty'],
    'a PUBLISH with a zero-length topic name', (f) => isPublish(f) && body(f).length >= 2 && rawTopic(f).length === 0),
  ignores('ignore-publish-qos-3', 'MQTT-3.3.1-4', ['vector.malformed.publish-qos-3'],
    'a PUBLISH with both QoS bits set', (f) => isPublish(f) && ((f.flags >> 1) & 3) === 3),
  ignores('ignore-packet-id-0', 'MQTT-2.3.1-1', ['vector.malformed.publish-packet-id-0', 'vector.malformed.subscribe-packet-id-0'],
    'a QoS > 0 PUBLISH or a SUBSCRIBE with packet identifier 0', (f) => {
      if (f.type === 8) return body(f).readUInt16BE(0) === 0;
      if (!isPublish(f) || ((f.flags >> 1) & 3) === 0) return false;
      const b = body(f);
      const at = 2 + b.readUInt16BE(0);
      return b.length >= at + 2 && b.readUInt16BE(at) === 0;
    }),
  ignores('ignore-ill-formed-filter', 'MQTT-3.8.3-1', ['vector.malformed.subscribe-filter-bad-utf8'],
    'a SUBSCRIBE whose filter is ill-formed UTF-8', filtersWhere(8, (b) => !wellFormedUtf8(b))),
  ignores('ignore-null-in-filter', 'MQTT-4.7.3-2', ['vector.malformed.subscribe-filter-null-char'],
    'a SUBSCRIBE whose filter contains U+0000', filtersWhere(8, (b) => b.includes(0))),
  ignores('ignore-subscribe-without-filter', 'MQTT-3.8.3-3', ['vector.malformed.subscribe-no-filter'],
    'a SUBSCRIBE that carries no topic filter', (f) => f.type === 8 && body(f).length === 2),
  ignores('ignore-hash-not-last', 'MQTT-4.7.1-2', ['vector.malformed.subscribe-filter-hash-not-last'],
    "a SUBSCRIBE whose filter has '#' before its last level", filtersWhere(8, (b) => { const s = b.toString(); return s.includes('#') && !/(^|\/)#$/.test(s); })),
  ignores('ignore-plus-inside-level', 'MQTT-4.7.1-3', ['vector.malformed.subscribe-filter-plus-in-level'],
    "a SUBSCRIBE whose filter has '+' sharing a level with other characters", filtersWhere(8, (b) => b.toString().split('/').some((l) => l.includes('+') && l !== '+'))),
  ignores('ignore-ill-formed-unsubscribe-filter', 'MQTT-3.10.3-1', ['vector.malformed.unsubscribe-filter-bad-utf8'],
    'an UNSUBSCRIBE whose filter is ill-formed UTF-8', filtersWhere(10, (b) => !wellFormedUtf8(b))),
  ignores('ignore-reserved-packet-types', 'MQTT-4.8.0-1', ['vector.malformed.reserved-packet-type-0', 'vector.malformed.reserved-packet-type-15'],
    'packets of the reserved types 0 and 15', (f) => f.type === 0 || f.type === 15),
  {
    name: 'unsuback-empty-unsubscribe', statement: 'MQTT-3.10.3-2', catchers: ['vector.malformed.unsubscribe-no-filter'],
    description: 'answers an UNSUBSCRIBE that carries no topic filter with UNSUBACK instead of closing',
    fromClient: (f, c) => {
      if (f.type !== 10 || body(f).length !== 2) return undefined;
      c.toClient({ cmd: 'unsuback', messageId: body(f).readUInt16BE(0) } as Packet);
      return 'drop';
    },
  },
  repairs('accept-subscribe-qos-3', 'MQTT-3.8.3-4', ['vector.malformed.subscribe-qos-3', 'vector.malformed.subscribe-reserved-bits'],
    'a SUBSCRIBE whose option byte has reserved bits or QoS 3 (as QoS 2)', (f) => { const o = f.bytes.at(-1)!; return f.type === 8 && filtersOf(f).length === 1 && ((o & 0xfc) !== 0 || (o & 3) === 3); },
    (f) => withByte(f, f.bytes.length - 1, Math.min(f.bytes.at(-1)! & 3, 2))),
  repairs('accept-connect-header-flags', 'MQTT-2.2.2-2', ['vector.connect.fixed-header-flags'],
    'a CONNECT with fixed-header flags other than 0000', (f) => f.type === 1 && f.flags !== 0, (f) => withByte(f, 0, 0x10)),
  repairs('accept-subscribe-header-flags', 'MQTT-3.8.1-1', ['vector.malformed.subscribe-fixed-header-flags'],
    'a SUBSCRIBE with fixed-header flags other than 0010', (f) => f.type === 8 && f.flags !== 2, (f) => withByte(f, 0, 0x82)),
  repairs('accept-unsubscribe-header-flags', 'MQTT-3.10.1-1', ['vector.malformed.unsubscribe-fixed-header-flags'],
    'an UNSUBSCRIBE with fixed-header flags other than 0010', (f) => f.type === 10 && f.flags !== 2, (f) => withByte(f, 0, 0xa2)),
  repairs('accept-pubrel-header-flags', 'MQTT-3.6.1-1', ['vector.malformed.pubrel-fixed-header-flags'],
    'a PUBREL with fixed-header flags other than 0010', (f) => f.type === 6 && f.flags !== 2, (f) => withByte(f, 0, 0x62)),
  repairs('accept-disconnect-header-flags', 'MQTT-3.14.1-1', ['will.disconnect-reserved-flags'],
    'a DISCONNECT with fixed-header flags other than 0000 (so the Will is discarded)', (f) => f.type === 14 && f.flags !== 0, (f) => withByte(f, 0, 0xe0)),
  repairs('accept-other-protocol-name', 'MQTT-3.1.2-1', ['vector.connect.protocol-name-mqtx'],
    'a CONNECT whose protocol name is not "MQTT" (any 4-byte name)', (f) => f.type === 1 && body(f).readUInt16BE(0) === 4 && body(f).subarray(2, 6).toString() !== 'MQTT',
    (f) => { const b = Buffer.from(f.bytes); b.write('MQTT', headerLength(b) + 2, 'latin1'); return b; }),
  repairs('accept-reserved-connect-flag', 'MQTT-3.1.2-3', ['vector.connect.reserved-flag'],
    'a CONNECT with the reserved flag set', (f) => (connectFlags(f) & 1) === 1, (f) => withByte(f, connectFlagsAt(f), connectFlags(f) & 0xfe)),
  repairs('accept-will-qos-3', 'MQTT-3.1.4-1', ['vector.connect.will-qos-3'],
    'a CONNECT with Will QoS 3 (as Will QoS 1)', (f) => (connectFlags(f) & 0x1c) === 0x1c, (f) => withByte(f, connectFlagsAt(f), connectFlags(f) & ~0x10)),
];
