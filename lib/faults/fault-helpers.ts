// Small pieces the 3.1.1 fault files share: packet views, per-connection counters, raw-byte access.
import type { IPublishPacket } from 'mqtt-packet';
import { readVarint, type Frame } from '../mqtt/frames.ts';
import type { Fault, ProxyConnection } from './fault.ts';

export const pub = (f: Frame): IPublishPacket | undefined => (f.packet?.cmd === 'publish' ? f.packet : undefined);

/** Increments and returns a per-connection counter. */
export function counter(c: ProxyConnection, key: string): number {
  const n = ((c.state.get(key) as number | undefined) ?? 0) + 1;
  c.state.set(key, n);
  return n;
}

/** Fixed header size of a frame (type byte + Remaining Length bytes). */
export function headerLength(bytes: Buffer): number {
  let i = 1;
  while (i < 5 && (bytes[i]! & 0x80) !== 0) i++;
  return i + 1;
}

/** The bytes after the fixed header. */
export const body = (f: Frame): Buffer => f.bytes.subarray(headerLength(f.bytes));

/** A copy of the frame with byte `at` (counted from the frame start) replaced. */
export function withByte(f: Frame, at: number, value: number): Buffer {
  const b = Buffer.from(f.bytes);
  b[at] = value;
  return b;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
/** Well-formed UTF-8 (the WHATWG decoder also rejects encoded surrogates, as MQTT-1.5.3-1 does). */
export function wellFormedUtf8(b: Buffer): boolean {
  try {
    strictUtf8.decode(b);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where the payload of a SUBSCRIBE or UNSUBSCRIBE starts in its body: after the Packet Identifier and,
 * on an MQTT 5 connection (protocolVersion 5), after the properties.
 */
function filtersStart(b: Buffer, protocolVersion: number): number {
  if (protocolVersion !== 5) return 2;
  const props = readVarint(b, 2);
  return props ? props.next + props.value : b.length;
}

/**
 * The length-prefixed strings of a SUBSCRIBE (with its option byte) or UNSUBSCRIBE payload, as raw
 * bytes; `protocolVersion` 5 skips the properties first.
 */
export function filtersOf(f: Frame, protocolVersion = 4): Buffer[] {
  const b = body(f);
  const out: Buffer[] = [];
  const step = f.type === 8 ? 1 : 0;
  for (let i = filtersStart(b, protocolVersion); i + 2 <= b.length && out.length < 64; ) {
    const n = b.readUInt16BE(i);
    out.push(b.subarray(i + 2, i + 2 + n));
    i += 2 + n + step;
  }
  return out;
}

/** The topic of a PUBLISH as raw bytes (mqtt-packet's decoding would hide ill-formed UTF-8). */
export function rawTopic(f: Frame): Buffer {
  const b = body(f);
  return b.length < 2 ? Buffer.alloc(0) : b.subarray(2, 2 + b.readUInt16BE(0));
}

/** Packet ids the proxy uses for flows it completes itself (never used by the suites). */
export const FAKE_ID_BASE = 60_000;

/** Records the client's SUBSCRIBE/UNSUBSCRIBE filters (call from fromClient); returns them, filter → requested QoS. */
export function trackFilters(f: Frame, c: ProxyConnection): Map<string, number> {
  let filters = c.state.get('filters') as Map<string, number> | undefined;
  if (!filters) c.state.set('filters', (filters = new Map()));
  const p = f.packet;
  if (p?.cmd === 'subscribe') for (const s of p.subscriptions) filters.set(s.topic, s.qos);
  if (p?.cmd === 'unsubscribe') for (const t of p.unsubscriptions) filters.delete(t);
  return filters;
}

export const filtersHeld = (c: ProxyConnection): Map<string, number> => (c.state.get('filters') as Map<string, number> | undefined) ?? new Map();

/** Swaps the two bytes of a 16-bit packet id (an endianness bug); ids whose bytes are equal stay. */
export const byteSwapped = (id: number): number => ((id & 0xff) << 8) | (id >> 8);

/** A property of a client packet that makes it malformed (the fault acts only on such packets). */
export type Defect = (f: Frame, c: ProxyConnection) => boolean;

/** A broker that discards a client packet with this defect and carries on (no close). */
export function ignores(name: string, statement: string, catchers: string[], what: string, defect: Defect): Fault {
  return { name, statement, catchers, description: `silently ignores ${what} instead of closing the connection`, fromClient: (f, c) => (defect(f, c) ? 'drop' : undefined) };
}

/** A broker that treats a client packet with this defect as if it were the repaired packet. */
export function repairs(name: string, statement: string, catchers: string[], what: string, defect: Defect, repair: (f: Frame) => Buffer): Fault {
  return { name, statement, catchers, description: `accepts ${what} as if it were well formed`, fromClient: (f, c) => (defect(f, c) ? repair(f) : undefined) };
}
