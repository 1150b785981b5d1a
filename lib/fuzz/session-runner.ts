// Plays one session on a fresh connection and records what came back. Every session ends with a
// PINGREQ: its PINGRESP (or a close) proves that every earlier response has arrived, so no session
// waits a fixed time; `answered: false` means neither came within the bound.
import type { Socket } from 'node:net';
import { RawClient } from '../mqtt/raw-client.ts';
import { WaitTimeoutError } from '../mqtt/test-client.ts';
import type { Frame } from '../mqtt/frames.ts';
import type { ProtocolVersion } from '../core/broker.ts';
import { packetBytes, type PacketModel } from './packet-model.ts';
import type { Session } from './session-grammar.ts';

export interface Endpoint {
  host: string;
  port: number;
  /** The listener's required user name and password: every session's CONNECT and the canary carry them. */
  credentials?: { username: string; password: string };
}

export interface SessionOutcome {
  /** Frames the broker sent, the final PINGRESP excluded. */
  frames: Frame[];
  closed: boolean;
  /** The final PINGREQ got a PINGRESP, or the broker closed: it was not silent. */
  answered: boolean;
  /** Packets of the input written whole while the connection was open (the fuzz iterations). */
  packetsSent: number;
}

const PINGREQ = Buffer.from([0xc0, 0x00]);

/** The bytes of a session as written: one group per packet, one buffer per write. */
export function packetWrites(s: Session): Buffer[][] {
  return s.packets.map(splitWrites);
}

/** The bytes of a session as written, one entry per write. */
export function sessionWrites(s: Session): Buffer[] {
  return packetWrites(s).flat();
}

function splitWrites(p: PacketModel): Buffer[] {
  const bytes = packetBytes(p);
  if (p.writes <= 1 || bytes.length < 2) return [bytes];
  const size = Math.max(1, Math.ceil(bytes.length / p.writes));
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

const tick = () => new Promise<void>((r) => setImmediate(r));

/**
 * Plays raw writes grouped by packet (a session, or a minimizer's candidate: one group per write) and
 * waits for the closing PINGRESP; with `halfClose` (the minimizer's replays, where only the canary
 * judges) it sends FIN instead and waits for the broker's close, so a candidate the broker waits on
 * costs no full answer bound. `protocol` only chooses how the broker's answers are decoded.
 */
export async function playPackets(at: Endpoint, packets: readonly (readonly Buffer[])[], answerMs: number, protocol: ProtocolVersion = '3.1.1', halfClose = false): Promise<SessionOutcome> {
  const client = await RawClient.open(at.host, at.port, protocol, answerMs);
  // Without TCP_NODELAY a split packet's second write waits for the first one's delayed ACK (40 ms).
  (client.socket as Partial<Socket>).setNoDelay?.(true);
  try {
    // Whole packets go out together, one write (packet boundaries inside a segment are the common
    // case a broker must handle, and a write per packet would cost more than the broker's work); a
    // packet split over several writes gets them one by one, each its own segment. The final PINGREQ
    // rides on the last write.
    let packetsSent = 0;
    let pending: Buffer[] = [];
    let pendingPackets = 0;
    const flush = async () => {
      if (!pending.length || client.closed) return;
      client.send(pending.length === 1 ? pending[0]! : Buffer.concat(pending));
      packetsSent += pendingPackets;
      pending = [];
      pendingPackets = 0;
      await tick();
    };
    for (const writes of packets) {
      if (client.closed) break;
      if (writes.length === 1) {
        pending.push(writes[0]!);
        pendingPackets++;
        continue;
      }
      await flush();
      for (const w of writes) {
        if (client.closed) break;
        client.send(w);
        await tick(); // separate writes reach the broker as separate segments (split packets)
      }
      if (!client.closed) packetsSent++;
    }
    const pingRides = !halfClose && pending.length > 0;
    if (pingRides) pending.push(PINGREQ);
    await flush();
    let answered = client.closed;
    let pong: Frame | undefined;
    if (halfClose && !client.closed) {
      client.socket.end();
      answered = await client.expectClose(answerMs).then(() => true, () => false);
    } else if (!client.closed) {
      if (!pingRides) client.send(PINGREQ);
      try {
        // The first PINGRESP may answer a PINGREQ of the session itself: a best-effort barrier.
        pong = await client.next((f) => f.type === 13, answerMs, 'PINGRESP');
        answered = true;
      } catch (e) {
        if (!(e instanceof WaitTimeoutError)) answered = true; // closed by the broker: an answer
      }
    }
    return { frames: client.received.filter((f) => f !== pong), closed: client.closed, answered, packetsSent };
  } finally {
    client.destroy();
  }
}

/** Plays writes that carry no packet boundaries (a minimized byte string): each write its own group. */
export function playWrites(at: Endpoint, writes: readonly Buffer[], answerMs: number, halfClose = false, protocol: ProtocolVersion = '3.1.1'): Promise<SessionOutcome> {
  return playPackets(at, writes.map((w) => [w]), answerMs, protocol, halfClose);
}

export function playSession(at: Endpoint, s: Session, answerMs: number): Promise<SessionOutcome> {
  return playPackets(at, packetWrites(s), answerMs, s.protocol);
}

/** A coarse response kind: what came back (type, and CONNACK/SUBACK/ack reason codes) and how it ended. */
export function responseKind(o: SessionOutcome): string {
  const parts = o.frames.map((f) => {
    const p = f.packet as { returnCode?: number; reasonCode?: number; granted?: (number | object)[] } | undefined;
    if (f.type === 2) return `connack:${p?.returnCode ?? p?.reasonCode ?? f.bytes[3] ?? '?'}`;
    if (f.type === 9) return `suback:${p?.granted?.join('.') ?? [...f.bytes.subarray(4)].join('.')}`;
    // MQTT 5 acknowledgements and DISCONNECT carry a reason code.
    if (p?.reasonCode !== undefined) return `${f.type}:${p.reasonCode}`;
    return f.packet ? `${f.type}` : `${f.type}:undecodable`;
  });
  return [...parts, o.closed ? 'close' : o.answered ? 'open' : 'silent'].join(' ');
}
