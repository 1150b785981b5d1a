// Plays one session on a fresh connection and records what came back. Every session ends with a
// PINGREQ: its PINGRESP (or a close) proves that every earlier response has arrived, so no session
// waits a fixed time; `answered: false` means neither came within the bound.
import { RawClient } from '../mqtt/raw-client.ts';
import { WaitTimeoutError } from '../mqtt/test-client.ts';
import type { Frame } from '../mqtt/frames.ts';
import { packetBytes, type PacketModel } from './packet-model.ts';
import type { Session } from './session-grammar.ts';

export interface Endpoint {
  host: string;
  port: number;
}

export interface SessionOutcome {
  /** Frames the broker sent, the final PINGRESP excluded. */
  frames: Frame[];
  closed: boolean;
  /** The final PINGREQ got a PINGRESP, or the broker closed: it was not silent. */
  answered: boolean;
}

const PINGREQ = Buffer.from([0xc0, 0x00]);

/** The bytes of a session as written, one entry per write. */
export function sessionWrites(s: Session): Buffer[] {
  return s.packets.flatMap((p) => splitWrites(p));
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
 * Plays raw writes (a session, or a minimizer's candidate) and waits for the closing PINGRESP; with
 * `halfClose` (the minimizer's replays, where only the canary judges) it sends FIN instead and waits
 * for the broker's close, so a candidate the broker waits on costs no full answer bound.
 */
export async function playWrites(at: Endpoint, writes: readonly Buffer[], answerMs: number, halfClose = false): Promise<SessionOutcome> {
  const client = await RawClient.open(at.host, at.port, '3.1.1', answerMs);
  try {
    for (const w of writes) {
      if (client.closed) break;
      client.send(w);
      await tick(); // separate writes reach the broker as separate segments (split packets)
    }
    let answered = client.closed;
    let pong: Frame | undefined;
    if (halfClose && !client.closed) {
      client.socket.end();
      answered = await client.expectClose(answerMs).then(() => true, () => false);
    } else if (!client.closed) {
      client.send(PINGREQ);
      try {
        // The first PINGRESP may answer a PINGREQ of the session itself: a best-effort barrier.
        pong = await client.next((f) => f.type === 13, answerMs, 'PINGRESP');
        answered = true;
      } catch (e) {
        if (!(e instanceof WaitTimeoutError)) answered = true; // closed by the broker: an answer
      }
    }
    return { frames: client.received.filter((f) => f !== pong), closed: client.closed, answered };
  } finally {
    client.destroy();
  }
}

export function playSession(at: Endpoint, s: Session, answerMs: number): Promise<SessionOutcome> {
  return playWrites(at, sessionWrites(s), answerMs);
}

/** A coarse response kind: what came back (type, and CONNACK/SUBACK codes) and how it ended. */
export function responseKind(o: SessionOutcome): string {
  const parts = o.frames.map((f) => {
    if (f.type === 2) return `connack:${f.bytes[3] ?? '?'}`;
    if (f.type === 9) return `suback:${[...f.bytes.subarray(4)].join('.')}`;
    return `${f.type}`;
  });
  return [...parts, o.closed ? 'close' : o.answered ? 'open' : 'silent'].join(' ');
}
