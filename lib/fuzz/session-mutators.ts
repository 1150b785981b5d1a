// Field-aware mutations of a session: each picks one field kind and breaks it the way parsers get
// it wrong (Remaining Length forms, fixed-header flags, packet identifiers, UTF-8 edge cases, topic
// and filter shapes), or changes the packet order, or splits a packet over many writes. A mutation
// of the CONNECT that breaks a rule whose required reaction is a close records the statement in
// `violates`, for the oracle.
import type { SeededRandom } from './seeded-random.ts';
import { clonePacket, type Field, type LengthEncoding, type PacketModel } from './packet-model.ts';
import { generatePacket, packetIds, type Session } from './session-grammar.ts';
import { breakProperties } from './v5-properties.ts';

/** The MQTT 5 statement ids of the 3.1.1 UTF-8 rules (1.5.3 became 1.5.4). */
const V5_STATEMENT: Record<string, string> = { 'MQTT-1.5.3-1': 'MQTT-1.5.4-1', 'MQTT-1.5.3-2': 'MQTT-1.5.4-2' };

/** UTF-8 edge cases (1.5.3): `violates` = the statement a receiver breaks by accepting it; U+FEFF must be kept, not rejected. */
const UTF8_EDGES: { bytes: Buffer; note: string; violates?: string }[] = [
  { bytes: Buffer.from('fz\u0000x', 'utf8'), note: 'U+0000', violates: 'MQTT-1.5.3-2' },
  { bytes: Buffer.from([0x66, 0xed, 0xa0, 0x80]), note: 'encoded surrogate U+D800', violates: 'MQTT-1.5.3-1' },
  { bytes: Buffer.from([0x66, 0xc0, 0xaf]), note: 'overlong encoding of /', violates: 'MQTT-1.5.3-1' },
  { bytes: Buffer.from([0x66, 0xc3]), note: 'truncated 2-byte sequence', violates: 'MQTT-1.5.3-1' },
  { bytes: Buffer.from('\ufefffz', 'utf8'), note: 'leading U+FEFF (valid, must not be stripped)' },
];

const TOPIC_EDGES = ['fz/#/x', 'fz+/x', 'fz/#x', '', 'fz//', '/', '+', '#', 'fz/\u00e9', 'x'.repeat(1024), 'x'.repeat(65_535)];
const LENGTHS: LengthEncoding[] = ['overlong', 'five-bytes', 'declares-more', 'declares-less'];

type Mutation = (p: PacketModel, r: SeededRandom, s: Session) => boolean;

const strings = (p: PacketModel) => p.fields.filter((f): f is Extract<Field, { kind: 'str' }> => f.kind === 'str');

const MUTATIONS: Record<string, Mutation> = {
  length(p, r) {
    p.length = r.pick(LENGTHS);
    p.notes.push(`Remaining Length ${p.length}`);
    return true;
  },
  flags(p, r) {
    p.flags = r.int(16);
    p.notes.push(`fixed-header flags ${p.flags.toString(2).padStart(4, '0')}`);
    return true;
  },
  packetId(p, r, s) {
    const f = p.fields.find((x) => x.kind === 'u16' && x.name === 'packetId');
    if (!f) return false;
    const reused = packetIds(s);
    f.value = reused.length && r.chance(0.5) ? r.pick(reused) : 0;
    p.notes.push(`packet identifier ${f.value}${f.value ? ' (reused)' : ''}`);
    return true;
  },
  utf8(p, r, s) {
    const candidates = strings(p).filter((f) => f.name !== 'protocolName');
    if (!candidates.length) return false;
    const f = r.pick(candidates);
    const edge = r.pick(UTF8_EDGES);
    f.value = edge.bytes;
    p.notes.push(`${f.name} with ${edge.note}`);
    if (p.type === 1) (p.violations ??= {})[`utf8:${f.name}`] = edge.violates && (s.protocol === '5' ? V5_STATEMENT[edge.violates]! : edge.violates);
    return true;
  },
  properties(p, r) {
    const f = p.fields.find((x) => x.kind === 'props');
    if (!f || f.kind !== 'props') return false;
    p.notes.push(breakProperties(p.type, f.value, r));
    // Malformed Packet or Protocol Error: the Server must close, never accept the CONNECT (4.13).
    if (p.type === 1) (p.violations ??= {}).properties = 'MQTT-4.13.1-1';
    return true;
  },
  topic(p, r) {
    const candidates = strings(p).filter((f) => f.name === 'topic' || f.name === 'filter');
    if (!candidates.length) return false;
    const f = r.pick(candidates);
    const t = r.pick(TOPIC_EDGES);
    f.value = Buffer.from(t, 'utf8');
    p.notes.push(`${f.name} "${t.length > 20 ? `${t.slice(0, 4)}… (${t.length} chars)` : t}"`);
    return true;
  },
  connectFlags(p, r) {
    const f = p.fields.find((x) => x.name === 'connectFlags');
    if (!f) return false;
    f.value = r.int(256) & ~0x02 | 0x02;
    p.notes.push(`connect flags ${f.value.toString(2).padStart(8, '0')}`);
    (p.violations ??= {}).connectFlags = f.value & 0x01 ? 'MQTT-3.1.2-3' : undefined;
    return true;
  },
  split(p, r) {
    p.writes = 2 + r.int(6);
    p.notes.push(`split over ${p.writes} writes`);
    return true;
  },
};
const MUTATION_NAMES = Object.keys(MUTATIONS);

/** Mutates one packet in place with a randomly chosen applicable mutation; returns its name. */
export function mutatePacket(p: PacketModel, r: SeededRandom, s: Session): string | undefined {
  for (let attempt = 0; attempt < 4; attempt++) {
    const name = r.pick(MUTATION_NAMES);
    if (MUTATIONS[name]!(p, r, s)) return name;
  }
  return undefined;
}

/** A new session derived from `parent`: 1–3 field mutations or order changes. */
export function mutateSession(parent: Session, r: SeededRandom, clientId: string): Session {
  const s: Session = { protocol: parent.protocol, packets: parent.packets.map(clonePacket) };
  const first = s.packets[0];
  if (first?.type === 1) {
    const id = first.fields.find((f) => f.name === 'clientId');
    if (id && !first.notes.some((n) => n.startsWith('clientId'))) id.value = Buffer.from(clientId);
  }
  const ops = 1 + r.int(3);
  for (let i = 0; i < ops; i++) {
    const roll = r.int(10);
    if (roll < 6 || s.packets.length < 2) mutatePacket(r.pick(s.packets), r, s);
    else if (roll < 8) s.packets.splice(1 + r.int(s.packets.length), 0, generatePacket(r, packetIds(s), clientId, s.protocol));
    else if (roll < 9) s.packets.splice(1 + r.int(s.packets.length - 1), 1);
    else {
      // Swap two packets after the CONNECT: PUBREL before PUBREC, acknowledgements before the publish.
      const a = 1 + r.int(s.packets.length - 1);
      const b = 1 + r.int(s.packets.length - 1);
      [s.packets[a], s.packets[b]] = [s.packets[b]!, s.packets[a]!];
    }
  }
  if (s.packets.length > 16) s.packets.length = 16;
  return s;
}
