// Small pieces the 3.1.1 fault files share: packet views, per-connection counters, raw-byte access.
import type { IPublishPacket } from 'mqtt-packet';
import type { Frame } from '../mqtt/frames.ts';
import type { ProxyConnection } from './fault.ts';

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

/** The length-prefixed strings of a SUBSCRIBE (with its option byte) or UNSUBSCRIBE payload, as raw bytes. */
export function filtersOf(f: Frame): Buffer[] {
  const b = body(f);
  const out: Buffer[] = [];
  const step = f.type === 8 ? 1 : 0;
  for (let i = 2; i + 2 <= b.length && out.length < 64; ) {
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
