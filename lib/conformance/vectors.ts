// Hex send/expect vectors (fixtures/vectors/*.json): loading, validation against
// fixtures/schema/vectors.schema.json plus each vector's stable key, and the one generic runner over
// a RawClient.
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import type { ProtocolVersion } from '../core/broker.ts';
import { keyFormProblem } from '../core/test-key.ts';
import { hexToBytes, readVarint, type Frame } from '../mqtt/frames.ts';
import { RawClient, ConnectionClosedError } from '../mqtt/raw-client.ts';
import { WaitTimeoutError } from '../mqtt/test-client.ts';

export type ExpectStep =
  | { expect: string; timeoutMs?: number }
  | { expectClose: true; timeoutMs?: number }
  /** An MQTT 5 DISCONNECT with this reason code (hex) and any properties a server may put on it. */
  | { expectDisconnect: string; timeoutMs?: number };

/** Properties a Server's DISCONNECT may carry (3.14.2.2); Session Expiry Interval is the Client's only ([MQTT-3.14.2-2]). */
const SERVER_DISCONNECT_PROPERTIES = new Set(['reasonString', 'userProperties', 'serverReference']);
export type VectorStep =
  | { send: string }
  | ExpectStep
  | { quietMs: number }
  | { oneOf: { behaviour: string; steps: ExpectStep[] }[]; intended: string };

export interface Vector {
  /** Stable test key, `vector.<file stem>.<name>` (docs/test-keys.md); the name may be reworded, the key not. */
  key: string;
  name: string;
  comment: string;
  spec: string[];
  connect?: boolean;
  steps: VectorStep[];
}

export interface VectorFile {
  protocol: ProtocolVersion;
  area: string;
  vectors: Vector[];
  /** File name, for messages. */
  file: string;
}

export function vectorsDir(root: string): string {
  return path.join(root, 'fixtures', 'vectors');
}

/** Validation errors of one parsed vector file, as "file: /path message" lines (empty = valid). */
export function validateVectorFile(root: string, doc: unknown, file: string): string[] {
  const schema = JSON.parse(fs.readFileSync(path.join(root, 'fixtures', 'schema', 'vectors.schema.json'), 'utf8'));
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e) => `${file}: ${e.instancePath || '/'} ${e.message}`);
}

/** The prefix every key in `file` carries, so a key says where its vector lives. */
export function vectorKeyPrefix(file: string): string {
  return `vector.${path.basename(file, '.json')}.`;
}

/**
 * Key errors of one file's vectors, as "file: vector "name": problem" lines (empty = valid).
 * `seen` maps keys already taken (by earlier files) to "file: vector "name"", and is extended.
 */
export function vectorKeyProblems(file: string, vectors: readonly { key?: unknown; name?: unknown }[], seen: Map<string, string>): string[] {
  const errors: string[] = [];
  const prefix = vectorKeyPrefix(file);
  for (const [i, v] of vectors.entries()) {
    const where = `${file}: vector ${typeof v.name === 'string' ? `"${v.name}"` : `#${i + 1}`}`;
    if (v.key !== undefined && typeof v.key !== 'string') {
      errors.push(`${where}: key is not a string; expected "${prefix}<name>"`);
      continue;
    }
    const key = v.key as string | undefined;
    const problem = keyFormProblem(key);
    if (problem || key === undefined) errors.push(`${where}: ${problem}; expected "${prefix}<name>"`);
    else if (!key.startsWith(prefix)) errors.push(`${where}: key "${key}" must start with "${prefix}"`);
    else if (seen.has(key)) errors.push(`${where}: key "${key}" is already used by ${seen.get(key)}`);
    else seen.set(key, where);
  }
  return errors;
}

/** Loads every vector file; throws with all validation and key errors if any file is invalid. */
export function loadVectorFiles(root: string): VectorFile[] {
  const dir = vectorsDir(root);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const errors: string[] = [];
  const out: VectorFile[] = [];
  const keys = new Map<string, string>();
  for (const f of files) {
    const doc = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Omit<VectorFile, 'file'>;
    errors.push(...validateVectorFile(root, doc, f));
    if (Array.isArray(doc.vectors)) errors.push(...vectorKeyProblems(f, doc.vectors, keys));
    out.push({ ...doc, file: f });
  }
  if (errors.length) throw new Error(`invalid vector files:\n${errors.join('\n')}`);
  return out;
}

const DEFAULT_CLOSE_MS = 3000;
const DEFAULT_EXPECT_MS = 3000;

type Event = { kind: 'packet'; frame: Frame } | { kind: 'close' };

async function nextEvent(client: RawClient, timeoutMs: number): Promise<Event> {
  try {
    return { kind: 'packet', frame: await client.next(undefined, timeoutMs, 'a packet or a close') };
  } catch (e) {
    if (e instanceof ConnectionClosedError) return { kind: 'close' };
    throw e;
  }
}

function describeEvent(e: Event): string {
  return e.kind === 'close' ? 'the connection closed' : `packet ${e.frame.bytes.toString('hex')}`;
}

function matches(step: ExpectStep, e: Event): boolean {
  if ('expectClose' in step) return e.kind === 'close';
  if (e.kind !== 'packet') return false;
  if ('expectDisconnect' in step) {
    // Decoded by mqtt-packet as MQTT 5, so the properties are well formed; fixed-header flags must be 0.
    const p = e.frame.packet as { cmd?: string; reasonCode?: number; properties?: Record<string, unknown> } | undefined;
    return e.frame.bytes[0] === 0xe0 && p?.cmd === 'disconnect' && (p.reasonCode ?? 0) === parseInt(step.expectDisconnect, 16)
      && Object.keys(p.properties ?? {}).every((k) => SERVER_DISCONNECT_PROPERTIES.has(k));
  }
  return e.frame.bytes.equals(hexToBytes(step.expect));
}

function wanted(step: ExpectStep): string {
  if ('expectClose' in step) return 'the broker to close the connection';
  if ('expectDisconnect' in step) return `DISCONNECT 0x${step.expectDisconnect} (any server properties)`;
  return `packet ${hexToBytes(step.expect).toString('hex')}`;
}

async function runExpect(client: RawClient, step: ExpectStep): Promise<void> {
  const timeout = step.timeoutMs ?? ('expectClose' in step ? DEFAULT_CLOSE_MS : DEFAULT_EXPECT_MS);
  let event: Event;
  try {
    event = await nextEvent(client, timeout);
  } catch (e) {
    if (e instanceof WaitTimeoutError) throw new Error(`expected ${wanted(step)} within ${timeout} ms; nothing happened`);
    throw e;
  }
  if (!matches(step, event)) throw new Error(`expected ${wanted(step)}, got ${describeEvent(event)}`);
}

export interface VectorOutcome {
  /** Set when a oneOf step chose an alternative. */
  behaviour?: string;
  intended?: string;
  /** The broker closed the connection during the vector. */
  closed: boolean;
}

function varint(n: number): Buffer {
  const out: number[] = [];
  do { let d = n % 128; n = Math.floor(n / 128); if (n > 0) d |= 0x80; out.push(d); } while (n > 0);
  return Buffer.from(out);
}

const mqttString = (s: Buffer) => Buffer.concat([Buffer.from([s.length >> 8, s.length & 0xff]), s]);

/**
 * A vector's CONNECT with the listener's required credentials (ListenerInfo.credentials) added, for
 * brokers that have no anonymous access (RabbitMQ with allow_anonymous off, ejabberd): without them
 * such a broker answers CONNACK 0x04/0x05 — allowed, authentication is the Server's choice (3.1.1
 * §5.4.1, 5.0 §5.4.1) — and the vector never reaches what it checks. Added only to a single whole
 * CONNECT whose User Name and Password flags are both 0 (as RawClient does for a CONNECT that sets
 * no user name), so vectors about those flags (Password without User Name, [MQTT-3.1.2-22]) stay
 * byte-for-byte as written. User Name and Password are the payload's last fields (3.1.3), so they
 * are appended; everything else, malformed parts included, is untouched.
 */
export function withCredentials(bytes: Buffer, credentials?: { username: string; password: string }): Buffer {
  if (!credentials || bytes.length < 2 || (bytes[0]! & 0xf0) !== 0x10) return bytes;
  const rl = readVarint(bytes, 1);
  if (!rl || rl.next + rl.value !== bytes.length) return bytes;
  const nameLength = rl.next + 1 < bytes.length ? bytes.readUInt16BE(rl.next) : undefined;
  const flagsAt = nameLength === undefined ? bytes.length : rl.next + 2 + nameLength + 1;
  if (flagsAt >= bytes.length || (bytes[flagsAt]! & 0xc0) !== 0) return bytes;
  const extra = Buffer.concat([mqttString(Buffer.from(credentials.username, 'utf8')), mqttString(Buffer.from(credentials.password, 'utf8'))]);
  const body = Buffer.concat([bytes.subarray(rl.next), extra]);
  body[flagsAt - rl.next] = body[flagsAt - rl.next]! | 0xc0;
  return Buffer.concat([bytes.subarray(0, 1), varint(body.length), body]);
}

/**
 * Runs the steps of one vector on an open (and, if vector.connect, connected) client. `credentials`:
 * the listener's required ones, added to a CONNECT the vector sends (withCredentials).
 */
export async function runVectorSteps(client: RawClient, vector: Vector, credentials?: { username: string; password: string }): Promise<VectorOutcome> {
  const outcome: VectorOutcome = { closed: false };
  for (const step of vector.steps) {
    if ('send' in step) client.send(withCredentials(hexToBytes(step.send), credentials));
    else if ('quietMs' in step) {
      const got = await client.quiet(step.quietMs);
      if (got.length) throw new Error(`expected nothing for ${step.quietMs} ms, got ${got.map((f) => f.bytes.toString('hex')).join(', ')}`);
      if (client.closed) throw new Error(`expected nothing for ${step.quietMs} ms, but the connection closed`);
    } else if ('oneOf' in step) {
      const timeout = Math.max(...step.oneOf.map((a) => a.steps[0]!.timeoutMs ?? DEFAULT_CLOSE_MS));
      let event: Event;
      try {
        event = await nextEvent(client, timeout);
      } catch (e) {
        if (e instanceof WaitTimeoutError) throw new Error(`expected one of: ${step.oneOf.map((a) => a.behaviour).join(' | ')} within ${timeout} ms; nothing happened`);
        throw e;
      }
      const alt = step.oneOf.find((a) => matches(a.steps[0]!, event));
      if (!alt) throw new Error(`expected one of: ${step.oneOf.map((a) => a.behaviour).join(' | ')}; got ${describeEvent(event)}`);
      outcome.behaviour = alt.behaviour;
      outcome.intended = step.intended;
      for (const s of alt.steps.slice(1)) await runExpect(client, s);
    } else await runExpect(client, step);
  }
  outcome.closed = client.closed;
  return outcome;
}
