// What must hold after fuzz input: the broker process is up, a fresh canary client is served
// (CONNACK 0, PINGRESP, a QoS 0 publish delivered back to its own subscription) within a bound, and
// no response the specification forbids came back. A malformed packet may cost the sender its
// connection, never the broker (MQTT-4.8.0-1 names the close; nothing allows the Server to stop).
import fs from 'node:fs';
import { RawClient } from '../mqtt/raw-client.ts';
import { encode } from '../mqtt/frames.ts';
import { sessionWrites, type Endpoint, type SessionOutcome } from './session-runner.ts';
import type { Session } from './session-grammar.ts';
import { connectVerdict } from './connect-validity.ts';
import { topicMatches } from '../policy/test-policy.ts';

export interface CanaryResult {
  ok: boolean;
  /** What failed: "broker process is gone", "no PINGRESP within 2000 ms", ... */
  problem?: string;
  roundTripMs: number;
  /** The broker's resident memory when the canary ran, where the watch can read it. */
  rssKb?: number;
}

/** What the oracle can see of the broker process beyond the wire (local driver: its /proc entry, its log). */
export interface BrokerWatch {
  /** Resident set size in kB, undefined where it cannot be read. */
  rssKb(): number | undefined;
  /** The last lines of the broker's log, for a liveness finding. */
  logTail?(): string | undefined;
}

/** VmRSS of a process from /proc/<pid>/status (Linux), in kB. */
export function procRssKb(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The last `lines` lines of a log file (at most its last 64 kB), or undefined. */
export function logTail(file: string, lines = 15): string | undefined {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const len = Math.min(size, 65_536);
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, size - len);
      return buf.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/** A watch over a local broker process: its RSS from /proc, the tail of its log file. */
export function processWatch(pid: number | undefined, logFile: string | undefined): BrokerWatch {
  return {
    rssKb: () => (pid === undefined ? undefined : procRssKb(pid)),
    logTail: () => (logFile ? logTail(logFile) : undefined),
  };
}

/** The canary: connect, PINGREQ → PINGRESP, subscribe + publish → delivery, all within timeoutMs. */
export async function canary(at: Endpoint, isAlive: () => boolean, timeoutMs: number, clientId: string, watch?: BrokerWatch): Promise<CanaryResult> {
  const rssKb = watch?.rssKb();
  const r = await roundTrip(at, isAlive, timeoutMs, clientId);
  if (!r.ok) {
    const tail = watch?.logTail?.();
    if (tail) r.problem += `; broker log tail:\n${tail}`;
  }
  return { ...r, ...(rssKb !== undefined ? { rssKb } : {}) };
}

async function roundTrip(at: Endpoint, isAlive: () => boolean, timeoutMs: number, clientId: string): Promise<CanaryResult> {
  const t0 = Date.now();
  if (!isAlive()) return { ok: false, problem: 'the broker process is gone', roundTripMs: 0 };
  let client: RawClient | undefined;
  const deadline = () => Math.max(1, timeoutMs - (Date.now() - t0));
  let step = 'TCP connect';
  try {
    client = await RawClient.open(at.host, at.port, '3.1.1', deadline(), at.credentials);
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
 * A response the specification forbids, as `{ statement, problem }`:
 * - a CONNECT whose bytes, as written, do not conform (fixed-header or Connect Flags, ill-formed
 *   UTF-8 or U+0000 in a string, an MQTT 5 property that makes it malformed or a Protocol Error, a
 *   payload the flags do not match) answered with CONNACK 0: the broker accepted a connection it
 *   must have closed;
 * - a PUBLISH delivered with a wildcard in its topic name, or delivered on a filter that is not a
 *   valid filter (`fz/#/x`, `fz+/x`) when no valid filter of the session matches it.
 */
export function forbiddenResponse(s: Session, o: SessionOutcome): { statement: string; problem: string; connectAlone: boolean } | undefined {
  const connect = acceptedBrokenConnect(s, o);
  if (connect) return { ...connect, connectAlone: true };
  const delivery = invalidDelivery(s, o);
  return delivery && { ...delivery, connectAlone: false };
}

function acceptedBrokenConnect(s: Session, o: SessionOutcome): { statement: string; problem: string } | undefined {
  const connect = s.packets[0];
  if (connect?.type !== 1) return undefined;
  // Judged from the bytes written, decoded afresh (connect-validity.ts), not from what the mutators noted.
  const verdict = connectVerdict(Buffer.concat(sessionWrites(s)), s.protocol);
  if (verdict.kind !== 'must-close') return undefined;
  const connack = o.frames.find((f) => f.type === 2);
  if (connack && connack.bytes[3] === 0) {
    return { statement: verdict.statement, problem: `CONNACK 0 accepted a CONNECT that must be closed: ${verdict.reason} (${connect.notes.slice(1).join(', ')})` };
  }
  return undefined;
}

/** Statement ids of the wildcard rules: 3.1.1 4.7.1-1 (topic names), -2 (#), -3 (+); MQTT 5: 3.3.2-2 (topic names), 4.7.1-1 (#), 4.7.1-2 (+). */
const WILDCARD_RULES = {
  '3.1.1': { name: 'MQTT-4.7.1-1', hash: 'MQTT-4.7.1-2', plus: 'MQTT-4.7.1-3' },
  '5': { name: 'MQTT-3.3.2-2', hash: 'MQTT-4.7.1-1', plus: 'MQTT-4.7.1-2' },
} as const;

/** Which wildcard rule a filter breaks, if any. */
function filterProblem(filter: string): 'hash' | 'plus' | undefined {
  const levels = filter.split('/');
  if (levels.some((l, i) => l.includes('#') && (l !== '#' || i !== levels.length - 1))) return 'hash';
  if (levels.some((l) => l.includes('+') && l !== '+')) return 'plus';
  return undefined;
}

/** An invalid filter read loosely, the way a broken matcher might: `+` any run within a level, `#` anything. */
function looselyMatches(filter: string, topic: string): boolean {
  const re = filter.replace(/[.*?^${}()|[\]\\]/g, '\\$&').replace(/\+/g, '[^/]*').replace(/#/g, '.*');
  return new RegExp(`^${re}$`).test(topic);
}

function invalidDelivery(s: Session, o: SessionOutcome): { statement: string; problem: string } | undefined {
  const rules = WILDCARD_RULES[s.protocol];
  // A packet with a broken Remaining Length may have been read with other boundaries: no judgement.
  if (s.packets.some((p) => p.length !== 'minimal')) return undefined;
  const filters = s.packets.filter((p) => p.type === 8).flatMap((p) => p.fields.filter((f) => f.name === 'filter').map((f) => (f.value as Buffer).toString('utf8')));
  for (const f of o.frames) {
    if (f.type !== 3 || f.packet?.cmd !== 'publish') continue;
    const topic = f.packet.topic;
    if (/[+#]/.test(topic)) return { statement: rules.name, problem: `the broker delivered a PUBLISH with the wildcard topic name "${topic}"` };
    if (filters.some((x) => !filterProblem(x) && topicMatches(x, topic))) continue;
    const culprit = filters.find((x) => filterProblem(x) && looselyMatches(x, topic));
    if (culprit) return { statement: rules[filterProblem(culprit)!], problem: `the broker delivered "${topic}" on the invalid filter "${culprit}" (no valid filter of the session matches it)` };
  }
  return undefined;
}
