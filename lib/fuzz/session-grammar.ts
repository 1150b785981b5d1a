// Sessions from the MQTT 3.1.1 packet grammar: a CONNECT, then a sequence of packets a client may
// send (PUBLISH at every QoS, SUBSCRIBE, UNSUBSCRIBE, the QoS 1/2 acknowledgements, PINGREQ) and a
// few it may not (a second CONNECT, SUBACK/CONNACK from a client, PUBREL for a flow never begun).
// Mutations (session-mutators.ts) then break single fields.
import type { ProtocolVersion } from '../core/broker.ts';
import type { SeededRandom } from './seeded-random.ts';
import type { Field, PacketModel } from './packet-model.ts';

export interface Session {
  protocol: ProtocolVersion;
  packets: PacketModel[];
}

const utf8 = (s: string) => Buffer.from(s, 'utf8');

const TOPICS = ['fz/a', 'fz/b/c', 'fz', 'fz/+/x', 'fz/#', '+/b', '#', 'fz//d', '$SYS/fz'];

function packet(type: number, flags: number, fields: Field[], note: string): PacketModel {
  return { type, flags, fields, length: 'minimal', writes: 1, notes: [note] };
}

export function connectPacket(clientId: string): PacketModel {
  return packet(1, 0, [
    { name: 'protocolName', kind: 'str', value: utf8('MQTT') },
    { name: 'protocolLevel', kind: 'u8', value: 4 },
    { name: 'connectFlags', kind: 'u8', value: 0x02 },
    { name: 'keepAlive', kind: 'u16', value: 60 },
    { name: 'clientId', kind: 'str', value: utf8(clientId) },
  ], 'CONNECT clean session');
}

function publish(r: SeededRandom, ids: number[]): PacketModel {
  const qos = r.int(3);
  const retain = r.chance(0.2) ? 1 : 0;
  const dup = qos > 0 && r.chance(0.2) ? 8 : 0; // a re-delivery (3.3.1.1)
  const topic = r.pick(TOPICS.filter((t) => !t.includes('+') && !t.includes('#')));
  const fields: Field[] = [{ name: 'topic', kind: 'str', value: utf8(topic) }];
  if (qos > 0) fields.push({ name: 'packetId', kind: 'u16', value: nextId(r, ids) });
  fields.push({ name: 'payload', kind: 'raw', value: Buffer.from('fz'.repeat(r.int(4))) });
  return packet(3, dup | (qos << 1) | retain, fields, `PUBLISH QoS ${qos}${retain ? ' retain' : ''}${dup ? ' DUP' : ''} ${topic}`);
}

function nextId(r: SeededRandom, ids: number[]): number {
  const id = 1 + r.int(8);
  ids.push(id);
  return id;
}

function subscribe(r: SeededRandom, ids: number[]): PacketModel {
  const fields: Field[] = [{ name: 'packetId', kind: 'u16', value: nextId(r, ids) }];
  const n = 1 + r.int(2);
  for (let i = 0; i < n; i++) {
    fields.push({ name: 'filter', kind: 'str', value: utf8(r.pick(TOPICS)) }, { name: 'requestedQos', kind: 'u8', value: r.int(3) });
  }
  return packet(8, 2, fields, `SUBSCRIBE ${n} filter(s)`);
}

function unsubscribe(r: SeededRandom, ids: number[]): PacketModel {
  return packet(10, 2, [{ name: 'packetId', kind: 'u16', value: nextId(r, ids) }, { name: 'filter', kind: 'str', value: utf8(r.pick(TOPICS)) }], 'UNSUBSCRIBE');
}

function ack(type: 4 | 5 | 6 | 7, r: SeededRandom, ids: number[]): PacketModel {
  const id = ids.length && r.chance(0.7) ? r.pick(ids) : 1 + r.int(8);
  return packet(type, type === 6 ? 2 : 0, [{ name: 'packetId', kind: 'u16', value: id }], `${['PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP'][type - 4]} id ${id}`);
}

/** One generated packet; `ids` collects packet identifiers used so far, so acknowledgements can reuse them. */
export function generatePacket(r: SeededRandom, ids: number[], clientId: string): PacketModel {
  const roll = r.int(100);
  if (roll < 30) return publish(r, ids);
  if (roll < 45) return subscribe(r, ids);
  if (roll < 52) return unsubscribe(r, ids);
  if (roll < 80) return ack(r.pick([4, 5, 6, 7] as const), r, ids);
  if (roll < 88) return packet(12, 0, [], 'PINGREQ');
  if (roll < 92) return { ...connectPacket(clientId), notes: ['a second CONNECT'] };
  if (roll < 96) return packet(9, 0, [{ name: 'packetId', kind: 'u16', value: 1 }, { name: 'returnCode', kind: 'u8', value: 0 }], 'SUBACK from a client');
  if (roll < 98) return packet(2, 0, [{ name: 'sessionPresent', kind: 'u8', value: 0 }, { name: 'returnCode', kind: 'u8', value: 0 }], 'CONNACK from a client');
  return packet(14, 0, [], 'DISCONNECT');
}

export function generateSession(r: SeededRandom, clientId: string, protocol: ProtocolVersion = '3.1.1'): Session {
  const ids: number[] = [];
  const packets = [connectPacket(clientId)];
  // 1–10 packets after the CONNECT: a longer session reaches deeper into the broker's state per connection.
  const n = 1 + r.int(10);
  for (let i = 0; i < n; i++) packets.push(generatePacket(r, ids, clientId));
  return { protocol, packets };
}

export function packetIds(s: Session): number[] {
  return s.packets.flatMap((p) => p.fields.filter((f) => f.kind === 'u16' && f.name === 'packetId').map((f) => f.value as number));
}
