// MQTT framing shared by the raw client and the fault proxy: split a byte stream into whole control
// packets (fixed header + Remaining Length) and decode each with mqtt-packet, keeping the raw bytes
// so tests can check fixed-header flags that a decoder would normalise away.
import mqttPacket, { type Packet } from 'mqtt-packet';

export interface Frame {
  /** The whole control packet as it went over the wire. */
  bytes: Buffer;
  /** Packet type (high nibble of byte 1). */
  type: number;
  /** Fixed-header flags (low nibble of byte 1). */
  flags: number;
  /** Decoded packet, absent when mqtt-packet could not decode the frame. */
  packet?: Packet;
  decodeError?: string;
}

export const PACKET_TYPE_NAMES = ['reserved0', 'connect', 'connack', 'publish', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'subscribe', 'suback', 'unsubscribe', 'unsuback', 'pingreq', 'pingresp', 'disconnect', 'auth'] as const;

/** Decodes one complete frame with a parser for the given protocol level (4 = 3.1.1, 5). */
export function decodeFrame(bytes: Buffer, protocolVersion: number): Frame {
  const frame: Frame = { bytes, type: bytes[0]! >> 4, flags: bytes[0]! & 0x0f };
  const parser = mqttPacket.parser({ protocolVersion });
  parser.on('packet', (p: Packet) => { frame.packet ??= p; });
  parser.on('error', (e: Error) => { frame.decodeError ??= e.message; });
  parser.parse(bytes);
  if (!frame.packet && !frame.decodeError) frame.decodeError = 'undecodable packet';
  return frame;
}

export class MalformedStreamError extends Error {
  constructor(readonly bytes: Buffer) {
    super(`Remaining Length longer than 4 bytes: ${bytes.subarray(0, 6).toString('hex')}`);
    this.name = 'MalformedStreamError';
  }
}

/** Accumulates bytes and yields whole frames; throws MalformedStreamError on a >4-byte length. */
export class FrameSplitter {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Buffer[] = [];
    for (;;) {
      if (this.buf.length < 2) break;
      let len = 0;
      let mult = 1;
      let i = 1;
      let complete = false;
      for (; i < this.buf.length && i <= 4; i++) {
        const b = this.buf[i]!;
        len += (b & 0x7f) * mult;
        mult *= 128;
        if ((b & 0x80) === 0) { complete = true; break; }
      }
      if (!complete) {
        if (i > 4) throw new MalformedStreamError(this.buf);
        break;
      }
      const total = i + 1 + len;
      if (this.buf.length < total) break;
      out.push(this.buf.subarray(0, total));
      this.buf = this.buf.subarray(total);
    }
    return out;
  }
}

/** A Variable Byte Integer at `at` (undefined when it runs past the end or over 4 bytes). */
export function readVarint(b: Buffer, at: number): { value: number; next: number } | undefined {
  let value = 0;
  for (let i = 0; i < 4 && at + i < b.length; i++) {
    value += (b[at + i]! & 0x7f) * 128 ** i;
    if ((b[at + i]! & 0x80) === 0) return { value, next: at + i + 1 };
  }
  return undefined;
}

/** What an acknowledgement carries: its Packet Identifier and its Reason Codes (MQTT 5) or return codes (3.1.1 SUBACK). */
export interface AckFields {
  messageId: number;
  reasonCodes: number[];
}

/**
 * The Packet Identifier and codes of a PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK or UNSUBACK, read from
 * its bytes: mqtt-packet refuses to decode a code outside the packet's table, and a test of that table
 * must still see the code. An MQTT 5 PUBACK..PUBCOMP without a Reason Code carries 0x00 (Success);
 * a 3.1.1 one carries none. Undefined for other packet types and for frames too short to hold the fields.
 */
export function ackFields(f: Frame, protocolVersion: number): AckFields | undefined {
  if (![4, 5, 6, 7, 9, 11].includes(f.type)) return undefined;
  const b = bodyOf(f);
  if (!b || b.length < 2) return undefined;
  const messageId = b.readUInt16BE(0);
  if (f.type <= 7) return { messageId, reasonCodes: protocolVersion === 5 ? [b.length > 2 ? b[2]! : 0] : [] };
  const props = protocolVersion === 5 ? readVarint(b, 2) : { value: 0, next: 2 };
  return props ? { messageId, reasonCodes: [...b.subarray(props.next + props.value)] } : undefined;
}

/**
 * The Reason Code of an MQTT 5 DISCONNECT or AUTH, read from its bytes (0x00 when the Remaining Length
 * is 0), for the same reason as ackFields. Undefined for other packet types.
 */
export function reasonCodeOf(f: Frame): number | undefined {
  if (f.type !== 14 && f.type !== 15) return undefined;
  const b = bodyOf(f);
  return b && (b.length ? b[0] : 0);
}

/** The frame after its fixed header (undefined when the Remaining Length does not parse). */
function bodyOf(f: Frame): Buffer | undefined {
  const rl = readVarint(f.bytes, 1);
  return rl && f.bytes.subarray(rl.next);
}

/** Encodes a packet with mqtt-packet for the given protocol level. */
export function encode(packet: Packet, protocolVersion: number): Buffer {
  return mqttPacket.generate(packet, { protocolVersion });
}

/** "10 0c 00 04" or "100c0004" → bytes; throws on odd or non-hex input. */
export function hexToBytes(hex: string): Buffer {
  const clean = hex.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new Error(`not a hex byte string: "${hex}"`);
  return Buffer.from(clean, 'hex');
}
