// Sessions from the MQTT 3.1.1 and MQTT 5 packet grammars: a CONNECT, then a sequence of packets a
// client may send (PUBLISH at every QoS, SUBSCRIBE, UNSUBSCRIBE, the QoS 1/2 acknowledgements,
// PINGREQ, DISCONNECT; MQTT 5: with properties, subscription options, reason codes, AUTH) and a few
// it may not (a second CONNECT, SUBACK/CONNACK from a client, PUBREL for a flow never begun).
// Mutations (session-mutators.ts) then break single fields.
import type { ProtocolVersion } from '../core/broker.ts';
import type { SeededRandom } from './seeded-random.ts';
import type { Field, PacketModel } from './packet-model.ts';
import { validProperties } from './v5-properties.ts';

export interface Session {
  protocol: ProtocolVersion;
  packets: PacketModel[];
}

const utf8 = (s: string) => Buffer.from(s, 'utf8');

const TOPICS = ['fz/a', 'fz/b/c', 'fz', 'fz/+/x', 'fz/#', '+/b', '#', 'fz//d', '$SYS/fz'];

function packet(type: number, flags: number, fields: Field[], note: string): PacketModel {
  return { type, flags, fields, length: 'minimal', writes: 1, notes: [note] };
}

/** MQTT 5: the packet's properties field (valid ones, 0–2 of them), as a list of fields to splice in. */
function props(v5: boolean, type: number, r?: SeededRandom): Field[] {
  return v5 ? [{ name: 'properties', kind: 'props', value: r ? validProperties(type, r) : [] }] : [];
}

/** A listener's required user name and password (ListenerInfo.credentials). */
export interface Credentials { username: string; password: string }

export function connectPacket(clientId: string, protocol: ProtocolVersion = '3.1.1', r?: SeededRandom, credentials?: Credentials): PacketModel {
  const v5 = protocol === '5';
  return packet(1, 0, [
    { name: 'protocolName', kind: 'str', value: utf8('MQTT') },
    { name: 'protocolLevel', kind: 'u8', value: v5 ? 5 : 4 },
    // Clean session/start; with credentials also the User Name and Password flags (3.1.2.8, 3.1.2.9).
    { name: 'connectFlags', kind: 'u8', value: credentials ? 0xc2 : 0x02 },
    { name: 'keepAlive', kind: 'u16', value: 60 },
    ...props(v5, 1, r),
    { name: 'clientId', kind: 'str', value: utf8(clientId) },
    ...(credentials ? [{ name: 'username', kind: 'str', value: utf8(credentials.username) }, { name: 'password', kind: 'str', value: utf8(credentials.password) }] as Field[] : []),
  ], `CONNECT clean ${v5 ? 'start (MQTT 5)' : 'session'}${credentials ? ' with credentials' : ''}`);
}

function publish(r: SeededRandom, ids: number[], v5: boolean): PacketModel {
  const qos = r.int(3);
  const retain = r.chance(0.2) ? 1 : 0;
  const dup = qos > 0 && r.chance(0.2) ? 8 : 0; // a re-delivery (3.3.1.1)
  const topic = r.pick(TOPICS.filter((t) => !t.includes('+') && !t.includes('#')));
  const fields: Field[] = [{ name: 'topic', kind: 'str', value: utf8(topic) }];
  if (qos > 0) fields.push({ name: 'packetId', kind: 'u16', value: nextId(r, ids) });
  fields.push(...props(v5, 3, r), { name: 'payload', kind: 'raw', value: Buffer.from('fz'.repeat(r.int(4))) });
  return packet(3, dup | (qos << 1) | retain, fields, `PUBLISH QoS ${qos}${retain ? ' retain' : ''}${dup ? ' DUP' : ''} ${topic}`);
}

function nextId(r: SeededRandom, ids: number[]): number {
  const id = 1 + r.int(8);
  ids.push(id);
  return id;
}

function subscribe(r: SeededRandom, ids: number[], v5: boolean): PacketModel {
  const fields: Field[] = [{ name: 'packetId', kind: 'u16', value: nextId(r, ids) }, ...props(v5, 8, r)];
  const n = 1 + r.int(2);
  for (let i = 0; i < n; i++) {
    // MQTT 5 subscription options: QoS, No Local, Retain As Published, Retain Handling 0–2 (3.8.3.1).
    const options = v5 ? r.int(3) | (r.int(2) << 2) | (r.int(2) << 3) | (r.int(3) << 4) : r.int(3);
    fields.push({ name: 'filter', kind: 'str', value: utf8(r.pick(TOPICS)) }, { name: 'requestedQos', kind: 'u8', value: options });
  }
  return packet(8, 2, fields, `SUBSCRIBE ${n} filter(s)`);
}

function unsubscribe(r: SeededRandom, ids: number[], v5: boolean): PacketModel {
  return packet(10, 2, [{ name: 'packetId', kind: 'u16', value: nextId(r, ids) }, ...props(v5, 10, r), { name: 'filter', kind: 'str', value: utf8(r.pick(TOPICS)) }], 'UNSUBSCRIBE');
}

function ack(type: 4 | 5 | 6 | 7, r: SeededRandom, ids: number[], v5: boolean): PacketModel {
  const id = ids.length && r.chance(0.7) ? r.pick(ids) : 1 + r.int(8);
  const fields: Field[] = [{ name: 'packetId', kind: 'u16', value: id }];
  // MQTT 5: a reason code (0 success; 0x10 No matching subscribers on PUBACK/PUBREC, 0x92 on PUBREL/PUBCOMP) and properties.
  if (v5 && r.chance(0.5)) fields.push({ name: 'reasonCode', kind: 'u8', value: r.pick(type <= 5 ? [0, 0x10, 0x80] : [0, 0x92]) }, ...props(v5, type, r));
  return packet(type, type === 6 ? 2 : 0, fields, `${['PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP'][type - 4]} id ${id}`);
}

/** One generated packet; `ids` collects packet identifiers used so far, so acknowledgements can reuse them. */
export function generatePacket(r: SeededRandom, ids: number[], clientId: string, protocol: ProtocolVersion = '3.1.1'): PacketModel {
  const v5 = protocol === '5';
  const roll = r.int(100);
  if (roll < 30) return publish(r, ids, v5);
  if (roll < 45) return subscribe(r, ids, v5);
  if (roll < 52) return unsubscribe(r, ids, v5);
  if (roll < 80) return ack(r.pick([4, 5, 6, 7] as const), r, ids, v5);
  if (roll < 88) return packet(12, 0, [], 'PINGREQ');
  if (roll < 92) return { ...connectPacket(clientId, protocol, r), notes: ['a second CONNECT'] };
  if (roll < 95) return packet(9, 0, [{ name: 'packetId', kind: 'u16', value: 1 }, ...props(v5, 9), { name: 'returnCode', kind: 'u8', value: 0 }], 'SUBACK from a client');
  if (roll < 97) return packet(2, 0, [{ name: 'sessionPresent', kind: 'u8', value: 0 }, { name: 'returnCode', kind: 'u8', value: 0 }, ...props(v5, 2)], 'CONNACK from a client');
  // MQTT 5 AUTH without an authentication method in the CONNECT: a Protocol Error (4.12).
  if (v5 && roll < 99) return packet(15, 0, [{ name: 'reasonCode', kind: 'u8', value: 0x18 }, ...props(v5, 15, r)], 'AUTH (continue) without enhanced authentication');
  return packet(14, 0, v5 && r.chance(0.5) ? [{ name: 'reasonCode', kind: 'u8', value: r.pick([0, 0x04]) }, ...props(v5, 14, r)] : [], 'DISCONNECT');
}

export function generateSession(r: SeededRandom, clientId: string, protocol: ProtocolVersion = '3.1.1', credentials?: Credentials): Session {
  const ids: number[] = [];
  const packets = [connectPacket(clientId, protocol, protocol === '5' ? r : undefined, credentials)];
  // 1–10 packets after the CONNECT: a longer session reaches deeper into the broker's state per connection.
  const n = 1 + r.int(10);
  for (let i = 0; i < n; i++) packets.push(generatePacket(r, ids, clientId, protocol));
  return { protocol, packets };
}

export function packetIds(s: Session): number[] {
  return s.packets.flatMap((p) => p.fields.filter((f) => f.kind === 'u16' && f.name === 'packetId').map((f) => f.value as number));
}
