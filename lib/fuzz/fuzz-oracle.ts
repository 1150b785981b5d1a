// What must hold after fuzz input: the broker process is up, a fresh canary client is served
// (CONNACK 0, PINGRESP, a QoS 0 publish delivered back to its own subscription) within a bound, and
// no response the specification forbids came back. A malformed packet may cost the sender its
// connection, never the broker (MQTT-4.8.0-1 names the close; nothing allows the Server to stop).
import { RawClient } from '../mqtt/raw-client.ts';
import { encode } from '../mqtt/frames.ts';
import type { Endpoint, SessionOutcome } from './session-runner.ts';
import type { Session } from './session-grammar.ts';

export interface CanaryResult {
  ok: boolean;
  /** What failed: "broker process is gone", "no PINGRESP within 2000 ms", ... */
  problem?: string;
  roundTripMs: number;
}

/** The canary: connect, PINGREQ → PINGRESP, subscribe + publish → delivery, all within timeoutMs. */
export async function canary(at: Endpoint, isAlive: () => boolean, timeoutMs: number, clientId: string): Promise<CanaryResult> {
  const t0 = Date.now();
  if (!isAlive()) return { ok: false, problem: 'the broker process is gone', roundTripMs: 0 };
  let client: RawClient | undefined;
  const deadline = () => Math.max(1, timeoutMs - (Date.now() - t0));
  let step = 'TCP connect';
  try {
    client = await RawClient.open(at.host, at.port, '3.1.1', deadline());
    step = 'CONNACK';
    const connack = await client.connect({ clientId, clean: true }, deadline());
    if ((connack.returnCode ?? 0) !== 0) return { ok: false, problem: `the canary's CONNECT was refused with return code ${connack.returnCode}`, roundTripMs: Date.now() - t0 };
    step = 'PINGRESP';
    client.send(Buffer.from([0xc0, 0x00]));
    await client.nextOf('pingresp', undefined, deadline());
    step = 'SUBACK';
    const topic = `fuzz-canary/${clientId}`;
    client.send(encode({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos: 0 }] }, 4));
    await client.nextOf('suback', undefined, deadline());
    step = 'its own QoS 0 publish';
    client.send(encode({ cmd: 'publish', topic, payload: Buffer.from('canary'), qos: 0, retain: false, dup: false }, 4));
    await client.nextOf('publish', (p) => p.topic === topic, deadline());
    return { ok: true, roundTripMs: Date.now() - t0 };
  } catch (e) {
    return { ok: false, problem: `canary: no ${step} within ${timeoutMs} ms (${(e as Error).message})`, roundTripMs: Date.now() - t0 };
  } finally {
    client?.destroy();
  }
}

/**
 * A response the specification forbids, as `{ statement, problem }`: a CONNECT the mutators broke in
 * a way that requires a close (the reserved flag, ill-formed UTF-8 or U+0000 in a string) answered
 * with CONNACK 0 — the broker accepted a connection it must have closed.
 */
export function forbiddenResponse(s: Session, o: SessionOutcome): { statement: string; problem: string } | undefined {
  const connect = s.packets[0];
  if (connect?.type !== 1 || !connect.violates) return undefined;
  const connack = o.frames.find((f) => f.type === 2);
  if (connack && connack.bytes[3] === 0) {
    return { statement: connect.violates, problem: `CONNACK 0 accepted a CONNECT that must be closed (${connect.notes.slice(1).join(', ')})` };
  }
  return undefined;
}
