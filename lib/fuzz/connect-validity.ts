// The fuzz oracle's verdict on a CONNECT, read from the bytes that went over the wire: the first
// packet of what a session wrote is decoded from scratch and checked against section 3.1, so the
// verdict cannot drift from the bytes the way a record kept beside the mutations did (docs/fuzz.md:
// a corpus entry and its mutants shared one record, and a child's mutation rewrote its parent's).
// Nothing here knows which mutation made the bytes. A CONNECT that does not conform must be closed
// without CONNACK 0 (MQTT-3.1.4-1; the specific rule is named where there is one).
import type { ProtocolVersion } from '../core/broker.ts';
import { readVarint } from '../mqtt/frames.ts';

export type ConnectVerdict =
  | { kind: 'valid' }
  /** The Server must close: a CONNACK 0 to it breaks `statement`. */
  | { kind: 'must-close'; statement: string; reason: string }
  /** The specification allows more than one answer, or the packet's boundaries are not certain. */
  | { kind: 'not-judged'; reason: string };

class Violation extends Error {
  constructor(readonly statement: string, reason: string) { super(reason); }
}

/** Statement ids that differ between the two versions (3.1.1 first, MQTT 5 second). */
const IDS = {
  flags: ['MQTT-2.2.2-2', 'MQTT-2.1.3-1'],
  utf8: ['MQTT-1.5.3-1', 'MQTT-1.5.4-1'],
  nul: ['MQTT-1.5.3-2', 'MQTT-1.5.4-2'],
  willQos: ['MQTT-3.1.2-13', 'MQTT-3.1.2-11'],
  willQos3: ['MQTT-3.1.2-14', 'MQTT-3.1.2-12'],
  willRetain: ['MQTT-3.1.2-15', 'MQTT-3.1.2-13'],
} as const;

/** CONNECT properties (3.1.2.11) and Will Properties (3.1.3.2): identifier → data type. */
type DataType = 'byte' | 'u16' | 'u32' | 'varint' | 'str' | 'bin' | 'pair';
const CONNECT_PROPS: Record<number, DataType> = { 0x11: 'u32', 0x15: 'str', 0x16: 'bin', 0x17: 'byte', 0x19: 'byte', 0x21: 'u16', 0x22: 'u16', 0x26: 'pair', 0x27: 'u32' };
const WILL_PROPS: Record<number, DataType> = { 0x01: 'byte', 0x02: 'u32', 0x03: 'str', 0x08: 'str', 0x09: 'bin', 0x18: 'u32', 0x26: 'pair' };
/** Values that are a Protocol Error (3.1.2.11: Request Problem/Response Information 0 or 1, Receive Maximum and Maximum Packet Size not 0; 3.1.3.2.3: Payload Format Indicator 0 or 1). */
const BAD_VALUE: Record<number, (v: number) => boolean> = { 0x17: (v) => v > 1, 0x19: (v) => v > 1, 0x21: (v) => v === 0, 0x27: (v) => v === 0 };
const BAD_WILL_VALUE: Record<number, (v: number) => boolean> = { 0x01: (v) => v > 1 };

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

class Reader {
  pos = 0;
  /** The statement a packet that runs out or carries extra bytes breaks: MQTT-3.1.4-1, inside a property list MQTT-4.13.1-1. */
  malformed = 'MQTT-3.1.4-1';
  constructor(private readonly b: Buffer, private end: number, private readonly v5: boolean) {}
  id(key: keyof typeof IDS): string { return IDS[key][this.v5 ? 1 : 0]; }
  need(n: number, what: string): void {
    if (this.pos + n > this.end) throw new Violation(this.malformed, `${what} runs past the end of its packet or property list`);
  }
  u8(what: string): number { this.need(1, what); return this.b[this.pos++]!; }
  u16(what: string): number { this.need(2, what); const v = this.b.readUInt16BE(this.pos); this.pos += 2; return v; }
  u32(what: string): number { this.need(4, what); const v = this.b.readUInt32BE(this.pos); this.pos += 4; return v; }
  varint(what: string): number {
    const v = readVarint(this.b.subarray(0, this.end), this.pos);
    if (!v) {
      if (this.left >= 4) throw new Violation(this.malformed, `${what}: a Variable Byte Integer longer than 4 bytes`);
      this.need(this.left + 1, what);
    }
    this.pos = v!.next;
    return v!.value;
  }
  bin(what: string): Buffer { const n = this.u16(what); this.need(n, what); const v = this.b.subarray(this.pos, this.pos + n); this.pos += n; return v; }
  /** A UTF-8 Encoded String (1.5.3 / 1.5.4): well-formed, no surrogates, no U+0000; U+FEFF is a character like any other. */
  str(what: string): string {
    const raw = this.bin(what);
    let s: string;
    try { s = fatalUtf8.decode(raw); } catch { throw new Violation(this.id('utf8'), `${what} is not well-formed UTF-8 (${raw.toString('hex')})`); }
    if (s.includes('\u0000')) throw new Violation(this.id('nul'), `${what} contains U+0000`);
    return s;
  }
  /** Narrows the reader to the next `n` bytes (a property list); returns the outer end to restore. */
  enter(n: number, what: string): number { this.need(n, what); const outer = this.end; this.end = this.pos + n; return outer; }
  leave(outer: number): void { this.end = outer; }
  get left(): number { return this.end - this.pos; }
}

function value(r: Reader, type: DataType, what: string): number | undefined {
  switch (type) {
    case 'byte': return r.u8(what);
    case 'u16': return r.u16(what);
    case 'u32': return r.u32(what);
    case 'varint': return r.varint(what);
    case 'str': r.str(what); return undefined;
    case 'bin': r.bin(what); return undefined;
    case 'pair': r.str(`${what} name`); r.str(`${what} value`); return undefined;
  }
}

/** A property list (2.2.2): each identifier known for this packet, at most once (User Property excepted), of its data type, with an allowed value. */
function properties(r: Reader, allowed: Record<number, DataType>, bad: Record<number, (v: number) => boolean>, where: string): Set<number> {
  r.malformed = 'MQTT-4.13.1-1';
  const outer = r.enter(r.varint(`${where} Property Length`), `${where} properties`);
  const seen = new Set<number>();
  while (r.left > 0) {
    const id = r.varint(`${where} property identifier`);
    const type = allowed[id];
    if (!type) throw new Violation('MQTT-4.13.1-1', `property 0x${id.toString(16)} is not one of the ${where} properties`);
    if (seen.has(id) && id !== 0x26) throw new Violation('MQTT-4.13.1-1', `${where} property 0x${id.toString(16)} appears twice`);
    seen.add(id);
    const v = value(r, type, `${where} property 0x${id.toString(16)}`);
    if (v !== undefined && bad[id]?.(v)) throw new Violation('MQTT-4.13.1-1', `${where} property 0x${id.toString(16)} has the forbidden value ${v}`);
  }
  r.leave(outer);
  r.malformed = 'MQTT-3.1.4-1';
  return seen;
}

/** The minimal Remaining Length encoding of n (2.2.3). */
function minimalLength(n: number): number { return n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4; }

/** Where the first packet of `written` starts and how long its body is, by its own Remaining Length; a string says why it cannot be read. */
function firstFrame(written: Buffer): { start: number; length: number } | string {
  if (written.length < 2 || written[0]! >> 4 !== 1) return 'the first packet is not a CONNECT';
  const rl = readVarint(written, 1);
  if (!rl || rl.next - 1 !== minimalLength(rl.value)) return 'the Remaining Length is not in its minimal form';
  if (rl.next + rl.value > written.length) return 'the Remaining Length declares more bytes than were written';
  return { start: rl.next, length: rl.value };
}

/** The first packet of `written` as a broker reads it (its Remaining Length may take bytes of the next packet). */
export function firstPacketAsRead(written: Buffer): Buffer | undefined {
  const frame = firstFrame(written);
  return typeof frame === 'string' ? undefined : written.subarray(0, frame.start + frame.length);
}

/**
 * Judges the CONNECT at the start of `written` (what a session wrote, in order) for `protocol`.
 * Its boundaries come from its own Remaining Length, as a broker reads them (declaring more than the
 * CONNECT's fields takes bytes of the next packet into it); when that is not minimal or more than was
 * written, the broker may have read the packet with other boundaries (not judged).
 */
export function connectVerdict(written: Buffer, protocol: ProtocolVersion): ConnectVerdict {
  const frame = firstFrame(written);
  if (typeof frame === 'string') return { kind: 'not-judged', reason: frame };
  const { start, length } = frame;
  const v5 = protocol === '5';
  const r = new Reader(written, start + length, v5);
  r.pos = start;
  try {
    if (written[0]! & 0x0f) throw new Violation(r.id('flags'), `the CONNECT fixed-header flags are ${(written[0]! & 0x0f).toString(2).padStart(4, '0')}, not 0000`);
    if (r.str('Protocol Name') !== 'MQTT') throw new Violation('MQTT-3.1.2-1', 'the Protocol Name is not "MQTT"');
    const level = r.u8('Protocol Level');
    if (level !== (v5 ? 5 : 4)) throw new Violation('MQTT-3.1.2-2', `Protocol Level ${level} on an MQTT ${protocol} session`);
    const flags = r.u8('Connect Flags');
    if (flags & 0x01) throw new Violation('MQTT-3.1.2-3', 'the reserved Connect Flag is 1');
    const will = Boolean(flags & 0x04);
    const willQos = (flags >> 3) & 3;
    if (!will && willQos) throw new Violation(r.id('willQos'), `Will QoS ${willQos} without the Will Flag`);
    if (will && willQos === 3) throw new Violation(r.id('willQos3'), 'Will QoS 3');
    if (!will && flags & 0x20) throw new Violation(r.id('willRetain'), 'Will Retain without the Will Flag');
    if (!v5 && flags & 0x40 && !(flags & 0x80)) throw new Violation('MQTT-3.1.2-22', 'the Password Flag without the User Name Flag');
    r.u16('Keep Alive');
    let authMethod = false;
    if (v5) {
      const seen = properties(r, CONNECT_PROPS, BAD_VALUE, 'CONNECT');
      // Authentication Data without an Authentication Method is a Protocol Error (3.1.2.11.10).
      if (seen.has(0x16) && !seen.has(0x15)) throw new Violation('MQTT-4.13.1-1', 'Authentication Data without an Authentication Method');
      authMethod = seen.has(0x15);
    }
    const clientId = r.str('Client Identifier');
    if (!v5 && clientId === '' && !(flags & 0x02)) throw new Violation('MQTT-3.1.3-8', 'a zero-length Client Identifier with CleanSession 0');
    if (will) {
      if (v5) properties(r, WILL_PROPS, BAD_WILL_VALUE, 'Will');
      r.str('Will Topic');
      r.bin('Will Payload');
    }
    if (flags & 0x80) r.str('User Name');
    if (flags & 0x40) r.bin('Password'); // Binary Data (3.1.3.5): any bytes are allowed
    if (r.left > 0) throw new Violation('MQTT-3.1.4-1', `${r.left} bytes after the last payload field the Connect Flags announce`);
    // An Authentication Method the broker supports may be accepted: which one is not ours to say.
    if (authMethod) return { kind: 'not-judged', reason: 'an Authentication Method (enhanced authentication)' };
    return { kind: 'valid' };
  } catch (e) {
    if (e instanceof Violation) return { kind: 'must-close', statement: e.statement, reason: e.message };
    throw e;
  }
}
