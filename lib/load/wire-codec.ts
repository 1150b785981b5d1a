// The load generator's own MQTT wire code for the hot path: PUBLISH encoding into a reusable
// template and a frame splitter. MQTT.js parses every packet into objects and emits events; at
// 100k+ msgs/s that, not the broker, becomes the limit. Control packets (CONNECT, SUBSCRIBE) go
// through mqtt-packet, which is exact and not on the hot path.
import mqttPacket from 'mqtt-packet';
import type { ProtocolVersion } from '../core/broker.ts';

export const PACKET = { CONNACK: 2, PUBLISH: 3, PUBACK: 4, PUBREC: 5, PUBREL: 6, PUBCOMP: 7, SUBACK: 9, PINGRESP: 13, DISCONNECT: 14 } as const;

export function protocolLevel(p: ProtocolVersion): 4 | 5 {
  return p === '5' ? 5 : 4;
}

export function encodeConnect(clientId: string, protocol: ProtocolVersion, keepaliveSec = 60, credentials?: { username: string; password: string }): Buffer {
  const auth = credentials ? { username: credentials.username, password: Buffer.from(credentials.password) } : {};
  return mqttPacket.generate({ cmd: 'connect', clientId, protocolVersion: protocolLevel(protocol), protocolId: 'MQTT', clean: true, keepalive: keepaliveSec, ...auth });
}

export function encodeSubscribe(topic: string, qos: 0 | 1 | 2, messageId: number, protocol: ProtocolVersion): Buffer {
  return mqttPacket.generate({ cmd: 'subscribe', messageId, subscriptions: [{ topic, qos }] }, { protocolVersion: protocolLevel(protocol) });
}

export function encodeDisconnect(protocol: ProtocolVersion): Buffer {
  return mqttPacket.generate({ cmd: 'disconnect' }, { protocolVersion: protocolLevel(protocol) });
}

/** PUBACK/PUBREC/PUBREL/PUBCOMP: 2-byte packet id; v5 allows omitting reason code and properties ([MQTT-3.4.2-1] reason code 0 may be omitted when remaining length is 2). */
export function writeAck(buf: Buffer, offset: number, type: number, packetId: number): number {
  // [MQTT-3.6.1-1] PUBREL has fixed-header flags 0b0010.
  buf[offset] = (type << 4) | (type === PACKET.PUBREL ? 0x02 : 0);
  buf[offset + 1] = 2;
  buf[offset + 2] = packetId >> 8;
  buf[offset + 3] = packetId & 0xff;
  return offset + 4;
}

function varIntLength(n: number): number {
  return n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4;
}

function writeVarInt(buf: Buffer, offset: number, n: number): number {
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    buf[offset++] = byte;
  } while (n > 0);
  return offset;
}

/**
 * A PUBLISH with fixed topic, QoS and payload size. The payload is filled by the caller (the
 * message header); only the packet id changes between messages. Offsets are computed once.
 */
export class PublishTemplate {
  readonly size: number;
  readonly packetIdOffset: number;
  readonly payloadOffset: number;
  private readonly template: Buffer;

  constructor(topic: string, readonly qos: 0 | 1 | 2, readonly payloadBytes: number, protocol: ProtocolVersion, retain = false) {
    const topicBytes = Buffer.from(topic, 'utf8');
    const v5 = protocol === '5';
    const remaining = 2 + topicBytes.length + (qos > 0 ? 2 : 0) + (v5 ? 1 : 0) + payloadBytes;
    this.size = 1 + varIntLength(remaining) + remaining;
    const b = Buffer.alloc(this.size);
    b[0] = (PACKET.PUBLISH << 4) | (qos << 1) | (retain ? 1 : 0);
    let o = writeVarInt(b, 1, remaining);
    b.writeUInt16BE(topicBytes.length, o);
    o += 2;
    topicBytes.copy(b, o);
    o += topicBytes.length;
    this.packetIdOffset = qos > 0 ? o : -1;
    if (qos > 0) o += 2;
    if (v5) b[o++] = 0; // property length 0
    this.payloadOffset = o;
    this.template = b;
  }

  /** Copies the template to `out` at `offset` and returns the offset of its payload. */
  place(out: Buffer, offset: number, packetId: number): number {
    this.template.copy(out, offset);
    if (this.packetIdOffset >= 0) {
      out[offset + this.packetIdOffset] = packetId >> 8;
      out[offset + this.packetIdOffset + 1] = packetId & 0xff;
    }
    return offset + this.payloadOffset;
  }
}

export interface Frame {
  type: number;
  flags: number;
  /** The whole buffer the frame lives in, and where its variable header starts/ends. */
  buf: Buffer;
  start: number;
  end: number;
}

/**
 * Splits a TCP byte stream into MQTT control packets. Calls `onFrame` for each complete packet; the
 * frame's buffer is only valid during the call.
 */
export class FrameSplitter {
  private rest: Buffer | undefined;

  constructor(private readonly onFrame: (f: Frame) => void) {}

  push(chunk: Buffer): void {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    this.rest = undefined;
    let o = 0;
    const frame: Frame = { type: 0, flags: 0, buf, start: 0, end: 0 };
    while (o < buf.length) {
      if (buf.length - o < 2) break;
      let remaining = 0;
      let mul = 1;
      let i = o + 1;
      let complete = false;
      for (let n = 0; n < 4 && i < buf.length; n++) {
        const byte = buf[i++]!;
        remaining += (byte & 0x7f) * mul;
        mul *= 128;
        if (!(byte & 0x80)) { complete = true; break; }
      }
      if (!complete || buf.length - i < remaining) break;
      frame.type = buf[o]! >> 4;
      frame.flags = buf[o]! & 0x0f;
      frame.start = i;
      frame.end = i + remaining;
      this.onFrame(frame);
      o = i + remaining;
    }
    if (o < buf.length) this.rest = Buffer.from(buf.subarray(o));
  }
}

/** Offsets inside a received PUBLISH: packet id (qos > 0) and payload start. */
export function publishLayout(f: Frame, v5: boolean): { packetId: number; payloadStart: number } {
  const b = f.buf;
  const topicLen = (b[f.start]! << 8) | b[f.start + 1]!;
  let o = f.start + 2 + topicLen;
  const qos = (f.flags >> 1) & 3;
  let packetId = 0;
  if (qos > 0) {
    packetId = (b[o]! << 8) | b[o + 1]!;
    o += 2;
  }
  if (v5) {
    let len = 0;
    let mul = 1;
    for (let n = 0; n < 4; n++) {
      const byte = b[o++]!;
      len += (byte & 0x7f) * mul;
      mul *= 128;
      if (!(byte & 0x80)) break;
    }
    o += len;
  }
  return { packetId, payloadStart: o };
}
