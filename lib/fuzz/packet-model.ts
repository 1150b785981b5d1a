// The fuzzer's view of an MQTT 3.1.1 or MQTT 5 control packet: a fixed header and a list of typed fields, so
// a mutation can target one field (a string, a packet identifier, the Remaining Length) and still
// produce bytes. Unmutated models serialise to exactly what mqtt-packet generates (packet-model.test.ts).
export type Field =
  | { name: string; kind: 'u8'; value: number }
  | { name: string; kind: 'u16'; value: number }
  /** A length-prefixed string (1.5.3): `value` is the raw bytes, so ill-formed UTF-8 is expressible. */
  | { name: string; kind: 'str'; value: Buffer }
  | { name: string; kind: 'raw'; value: Buffer }
  /** MQTT 5 properties (2.2.2): Property Length, then each identifier and its encoded value. */
  | { name: string; kind: 'props'; value: Property[] };

/** One property: its identifier and its value's bytes as sent (of the right data type, or not). */
export interface Property {
  id: number;
  value: Buffer;
  /** Serialised after every other property (a value cut short must be the last one to be malformed for sure). */
  last?: boolean;
}

/** How the Remaining Length is written: minimal (the only valid form), or broken in one way. */
export type LengthEncoding = 'minimal' | 'overlong' | 'five-bytes' | 'declares-more' | 'declares-less';

export interface PacketModel {
  type: number;
  flags: number;
  fields: Field[];
  length: LengthEncoding;
  /** > 1: the packet goes over the wire in this many writes (a broker must reassemble it). */
  writes: number;
  /** What the generator and mutators did, for reproducer comments. */
  notes: string[];
  /**
   * The rules the mutations claim to break whose required reaction is a close, keyed by what was
   * mutated (a field, the properties, the flags): a later mutation of the same thing replaces the
   * entry. A claim, for notes and for the property test against connect-validity.ts; the oracle
   * judges the bytes sent, never this record.
   */
  violations?: Record<string, string | undefined>;
}

/** The first rule the mutations claim the packet breaks (undefined: none). */
export function violationOf(p: { violations?: Record<string, string | undefined> }): string | undefined {
  return Object.values(p.violations ?? {}).find((v) => v !== undefined);
}

export function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let d = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) d |= 0x80;
    out.push(d);
  } while (n > 0);
  return Buffer.from(out);
}

function fieldBytes(f: Field): Buffer {
  switch (f.kind) {
    case 'u8': return Buffer.from([f.value & 0xff]);
    case 'u16': return Buffer.from([(f.value >> 8) & 0xff, f.value & 0xff]);
    case 'str': return Buffer.concat([Buffer.from([(f.value.length >> 8) & 0xff, f.value.length & 0xff]), f.value]);
    case 'raw': return f.value;
    case 'props': {
      const ordered = [...f.value.filter((p) => !p.last), ...f.value.filter((p) => p.last)];
      const body = Buffer.concat(ordered.flatMap((p) => [varint(p.id), p.value]));
      return Buffer.concat([varint(body.length), body]);
    }
  }
}

function remainingLength(n: number, how: LengthEncoding): Buffer {
  switch (how) {
    case 'minimal': return varint(n);
    // 2.2.3: the minimal number of bytes is not stated as a MUST, but an overlong form is a classic parser trap.
    case 'overlong': { const v = varint(n); return v.length >= 4 ? v : Buffer.concat([Buffer.from([...v.subarray(0, -1), v[v.length - 1]! | 0x80]), Buffer.from([0x00])]); }
    case 'five-bytes': return Buffer.from([0xff, 0xff, 0xff, 0xff, 0x7f]);
    case 'declares-more': return varint(n + 3);
    case 'declares-less': return varint(Math.max(0, n - 1));
  }
}

export function packetBytes(p: PacketModel): Buffer {
  const body = Buffer.concat(p.fields.map(fieldBytes));
  return Buffer.concat([Buffer.from([(p.type << 4) | (p.flags & 0x0f)]), remainingLength(body.length, p.length), body]);
}

export function clonePacket(p: PacketModel): PacketModel {
  // The violations record is copied too: shared, a mutant's mutation rewrote its parent's record
  // (and every sibling's), the CI false alarm of docs/fuzz.md (a U+FEFF client id judged a surrogate).
  return {
    ...p, fields: p.fields.map((f) => (f.kind === 'props' ? { ...f, value: f.value.map((x) => ({ ...x })) } : { ...f })) as Field[], notes: [...p.notes],
    ...(p.violations ? { violations: { ...p.violations } } : {}),
  };
}
