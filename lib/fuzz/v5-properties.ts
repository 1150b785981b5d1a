// MQTT 5 properties (2.2.2.2) as the fuzzer sees them: which a Client may send on which packet, with
// a valid value of the right data type, and the ways to break them: an unknown identifier, one that
// appears twice, a value cut short (not of its data type), a property of another packet (or of the
// Server only), a value the specification forbids. All of them make the packet a Malformed Packet or
// a Protocol Error, which the Server must answer by closing the connection (MQTT-4.13.1-1).
import type { SeededRandom } from './seeded-random.ts';
import { varint, type Property } from './packet-model.ts';

type DataType = 'byte' | 'u16' | 'u32' | 'varint' | 'str' | 'bin' | 'pair';

const str = (s: string) => Buffer.concat([Buffer.from([(s.length >> 8) & 0xff, s.length & 0xff]), Buffer.from(s, 'utf8')]);

/** A valid value of each data type (2.2.2.2 / 1.5). */
function value(type: DataType, r: SeededRandom): Buffer {
  switch (type) {
    case 'byte': return Buffer.from([r.int(2)]);
    case 'u16': return Buffer.from([0, 1 + r.int(10)]);
    case 'u32': return Buffer.from([0, 0, r.int(2), r.int(256)]);
    case 'varint': return varint(1 + r.int(300));
    case 'str': return str(r.pick(['fz', 'fz/resp', 'text/plain']));
    case 'bin': return str('\u0001\u0002');
    case 'pair': return Buffer.concat([str('k'), str(r.pick(['v', '']))]);
  }
}

/** Identifier → name, data type, and the packet types a Client may send it on (the Server's own have none). */
const PROPERTIES: Record<number, { name: string; type: DataType; client: number[] }> = {
  0x01: { name: 'Payload Format Indicator', type: 'byte', client: [3] },
  0x02: { name: 'Message Expiry Interval', type: 'u32', client: [3] },
  0x03: { name: 'Content Type', type: 'str', client: [3] },
  0x08: { name: 'Response Topic', type: 'str', client: [3] },
  0x09: { name: 'Correlation Data', type: 'bin', client: [3] },
  0x0b: { name: 'Subscription Identifier', type: 'varint', client: [8] },
  0x11: { name: 'Session Expiry Interval', type: 'u32', client: [1, 14] },
  0x12: { name: 'Assigned Client Identifier', type: 'str', client: [] },
  0x13: { name: 'Server Keep Alive', type: 'u16', client: [] },
  0x15: { name: 'Authentication Method', type: 'str', client: [1, 15] },
  0x16: { name: 'Authentication Data', type: 'bin', client: [1, 15] },
  0x17: { name: 'Request Problem Information', type: 'byte', client: [1] },
  0x19: { name: 'Request Response Information', type: 'byte', client: [1] },
  0x1f: { name: 'Reason String', type: 'str', client: [4, 5, 6, 7, 14, 15] },
  0x21: { name: 'Receive Maximum', type: 'u16', client: [1] },
  0x22: { name: 'Topic Alias Maximum', type: 'u16', client: [1] },
  0x23: { name: 'Topic Alias', type: 'u16', client: [3] },
  0x24: { name: 'Maximum QoS', type: 'byte', client: [] },
  0x26: { name: 'User Property', type: 'pair', client: [1, 3, 4, 5, 6, 7, 8, 10, 14, 15] },
  0x27: { name: 'Maximum Packet Size', type: 'u32', client: [1] },
};
const IDS = Object.keys(PROPERTIES).map(Number);

/** Values the specification forbids for a property (each a Protocol Error). */
const FORBIDDEN_VALUES: { id: number; value: Buffer; note: string }[] = [
  { id: 0x23, value: Buffer.from([0, 0]), note: 'Topic Alias 0' },
  { id: 0x21, value: Buffer.from([0, 0]), note: 'Receive Maximum 0' },
  { id: 0x27, value: Buffer.from([0, 0, 0, 0]), note: 'Maximum Packet Size 0' },
  { id: 0x0b, value: Buffer.from([0]), note: 'Subscription Identifier 0' },
  { id: 0x17, value: Buffer.from([2]), note: 'Request Problem Information 2' },
  { id: 0x01, value: Buffer.from([2]), note: 'Payload Format Indicator 2' },
];

const UNKNOWN_IDS = [0x00, 0x04, 0x05, 0x07, 0x0a, 0x10, 0x14, 0x7f];

export const propertyName = (id: number) => PROPERTIES[id]?.name ?? `unknown 0x${id.toString(16)}`;

/** 0–2 valid properties a Client may send on `type` (User Property at most once here). */
export function validProperties(type: number, r: SeededRandom): Property[] {
  const allowed = IDS.filter((id) => PROPERTIES[id]!.client.includes(type) && id !== 0x15 && id !== 0x16 && id !== 0x23);
  const out: Property[] = [];
  const n = r.int(3);
  for (let i = 0; i < n && allowed.length; i++) {
    const id = r.pick(allowed);
    if (out.some((p) => p.id === id)) continue;
    // Session Expiry 0–3 s: sessions that outlive their connection for long would grow the broker's memory by design.
    out.push({ id, value: id === 0x11 ? Buffer.from([0, 0, 0, r.int(4)]) : value(PROPERTIES[id]!.type, r) });
  }
  return out;
}

/** Breaks one packet's property list in place; returns a note for the reproducer. */
export function breakProperties(type: number, props: Property[], r: SeededRandom): string {
  switch (r.int(5)) {
    case 0: {
      const id = r.pick(UNKNOWN_IDS);
      props.push({ id, value: Buffer.from([0]) });
      return `unknown property identifier 0x${id.toString(16)}`;
    }
    case 1: {
      // Twice: a Protocol Error for every property except User Property (2.2.2.2).
      const once = props.find((p) => p.id !== 0x26) ?? { id: r.pick(IDS.filter((id) => PROPERTIES[id]!.client.includes(type) && id !== 0x26).concat([0x1f])), value: Buffer.alloc(0) };
      if (!once.value.length) once.value = value(PROPERTIES[once.id]!.type, r);
      if (!props.includes(once)) props.push(once);
      props.push({ ...once });
      return `${propertyName(once.id)} twice`;
    }
    case 2: {
      // A fixed-size value one byte short, as the last property: the parser must run past the Property Length.
      const id = r.pick(IDS.filter((x) => ['u16', 'u32'].includes(PROPERTIES[x]!.type)));
      const full = value(PROPERTIES[id]!.type, r);
      props.push({ id, value: full.subarray(0, full.length - 1), last: true });
      return `${propertyName(id)} value one byte short (not a ${PROPERTIES[id]!.type})`;
    }
    case 3: {
      const foreign = IDS.filter((id) => !PROPERTIES[id]!.client.includes(type));
      const id = r.pick(foreign);
      props.push({ id, value: value(PROPERTIES[id]!.type, r) });
      return `${propertyName(id)} on a packet of type ${type} (${PROPERTIES[id]!.client.length ? 'another packet\'s' : 'the Server\'s'} property)`;
    }
    default: {
      const bad = r.pick(FORBIDDEN_VALUES);
      props.push({ id: bad.id, value: bad.value });
      return `property ${bad.note}`;
    }
  }
}
