// Small raw-client flows the conformance tests share: connect, subscribe, publish with the full
// acknowledgement flow, receive-and-acknowledge. Every wait has a deadline. The 3.1.1-and-5 flows
// consume packets (RawClient.next); the *V5 flows read the packet log (the MQTT 5 files look at a
// connection's whole history).
import type { IConnackPacket, IConnectPacket, IPublishPacket, ISubackPacket, ISubscribePacket, Packet } from 'mqtt-packet';
import type { RawClient } from '../../lib/mqtt/raw-client.ts';
import { ackFields, PACKET_TYPE_NAMES, type AckFields } from '../../lib/mqtt/frames.ts';
import { uniqueId, WaitTimeoutError } from '../../lib/mqtt/test-client.ts';
import type { ConformanceEnv } from './conformance.ts';
import { precondition } from './keyed-test.ts';

export const WAIT_MS = 3000;
/** Quiet window used to prove that something does not arrive. */
export const QUIET_MS = 500;
/**
 * How far beyond 1.5 x Keep Alive a default run accepts a keep-alive close (or the Will it causes),
 * noting the measured value as `tolerated`; --strict accepts none. Brokers check keep-alive on a
 * timer tick (Mosquitto 2.0.11 closed a Keep Alive 1 s client 3.5–6.9 s after its last packet on an
 * idle machine here), and the self-tests run two harnesses at a time.
 */
export const KEEP_ALIVE_TOLERANCE_MS = 10_000;

export const connackCode = (c: IConnackPacket): number => c.returnCode ?? c.reasonCode ?? 0;

/** A topic prefix unique to this test. */
export function topicFor(env: ConformanceEnv, name = 't'): string {
  return `c/${uniqueId(env.protocol === '5' ? 'v5' : 'v4')}/${name}`;
}

/** CONNECT options for a session that outlives the connection (v5 needs a Session Expiry Interval). */
export function persistentSession(env: ConformanceEnv, clientId: string): Partial<IConnectPacket> {
  return { clientId, clean: false, ...(env.protocol === '5' ? { properties: { sessionExpiryInterval: 300 } } : {}) };
}

/** Opens a raw client and connects it (env.connect: closed when the test finishes); the CONNACK must accept. */
export async function rawClient(env: ConformanceEnv, opts: Partial<IConnectPacket> = {}): Promise<{ client: RawClient; connack: IConnackPacket }> {
  const { client, connack } = await env.connect(opts);
  // A precondition, not a check of the test's statement (keyed-test.ts counts checks).
  precondition(env.ctx, () => env.ctx.expect(connackCode(connack), 'CONNACK return code').toBe(0));
  return { client, connack };
}

let nextPacketId = 1;
/** A packet identifier unique within this process (tests share no session, so this is enough). */
export const packetId = (): number => (nextPacketId = (nextPacketId % 50_000) + 1);

/** The acknowledgements that carry a Packet Identifier and codes (lib/mqtt/frames.ts ackFields). */
export type AckCmd = 'puback' | 'pubrec' | 'pubrel' | 'pubcomp' | 'suback' | 'unsuback';

/**
 * Waits for the acknowledgement `cmd` with Packet Identifier `messageId` by its packet type and bytes,
 * not by its decoding: mqtt-packet refuses to decode a code outside the packet's table (a SUBACK 0x03,
 * an UNSUBACK 0x10), and a wait on decoded packets would time out where a test must judge the code.
 */
export async function nextAck(client: RawClient, cmd: AckCmd, messageId: number, timeoutMs = WAIT_MS): Promise<AckFields> {
  const type = PACKET_TYPE_NAMES.indexOf(cmd);
  const frame = await client.next((f) => f.type === type && ackFields(f, client.protocolVersion)?.messageId === messageId, timeoutMs, `${cmd.toUpperCase()} for Packet Identifier ${messageId}`);
  return ackFields(frame, client.protocolVersion)!;
}

/** SUBSCRIBE and return the SUBACK's codes, read from its bytes (nextAck). */
export async function subscribe(client: RawClient, filters: [string, 0 | 1 | 2][]): Promise<number[]> {
  const messageId = packetId();
  client.send({ cmd: 'subscribe', messageId, subscriptions: filters.map(([topic, qos]) => ({ topic, qos })) });
  return (await nextAck(client, 'suback', messageId)).reasonCodes;
}

/** PUBLISH and complete the acknowledgement flow for its QoS. */
export async function publish(client: RawClient, topic: string, payload: string | Buffer, qos: 0 | 1 | 2 = 0, retain = false): Promise<void> {
  const messageId = qos ? packetId() : undefined;
  client.send({ cmd: 'publish', topic, payload, qos, retain, dup: false, ...(messageId ? { messageId } : {}) });
  if (qos === 1) await client.nextOf('puback', (p) => p.messageId === messageId, WAIT_MS);
  if (qos === 2) {
    await client.nextOf('pubrec', (p) => p.messageId === messageId, WAIT_MS);
    client.send({ cmd: 'pubrel', messageId: messageId! });
    await client.nextOf('pubcomp', (p) => p.messageId === messageId, WAIT_MS);
  }
}

/** Next PUBLISH on a topic (not acknowledged: the caller decides). */
export function nextPublish(client: RawClient, topic: string, timeoutMs = WAIT_MS): Promise<IPublishPacket> {
  return client.nextOf('publish', (p) => p.topic === topic, timeoutMs);
}

/**
 * The next PUBLISH on a topic if it comes within timeoutMs, else undefined (it stays queued for a
 * later nextPublish). For brokers that keep a single QoS > 0 message in flight: neither MQTT version
 * requires more (MQTT 5 Receive Maximum is only an upper bound).
 */
export async function nextPublishWithin(client: RawClient, topic: string, timeoutMs: number): Promise<IPublishPacket | undefined> {
  try {
    return await nextPublish(client, topic, timeoutMs);
  } catch (e) {
    if (e instanceof WaitTimeoutError) return undefined;
    throw e;
  }
}

/** Acknowledges a received PUBLISH as its QoS requires (QoS 2: PUBREC, then PUBCOMP on PUBREL). */
export async function acknowledge(client: RawClient, p: IPublishPacket): Promise<void> {
  if (p.qos === 1) client.send({ cmd: 'puback', messageId: p.messageId! });
  if (p.qos === 2) {
    client.send({ cmd: 'pubrec', messageId: p.messageId! });
    await client.nextOf('pubrel', (r) => r.messageId === p.messageId, WAIT_MS);
    client.send({ cmd: 'pubcomp', messageId: p.messageId! });
  }
}

/** Next PUBLISH on a topic, acknowledged. */
export async function receive(client: RawClient, topic: string, timeoutMs = WAIT_MS): Promise<IPublishPacket> {
  const p = await nextPublish(client, topic, timeoutMs);
  await acknowledge(client, p);
  return p;
}

/** PUBLISH packets on a topic that arrive within the quiet window. */
export async function quietOn(client: RawClient, topic: string, windowMs = QUIET_MS): Promise<IPublishPacket[]> {
  const frames = await client.quiet(windowMs, (f) => f.packet?.cmd === 'publish' && f.packet.topic === topic);
  return frames.map((f) => f.packet as IPublishPacket);
}

export type SubscriptionV5 = { topic: string; qos: 0 | 1 | 2; nl?: boolean; rap?: boolean; rh?: number };

/** SUBSCRIBE and wait for its SUBACK (in the packet log). */
export async function subscribeV5(client: RawClient, subs: SubscriptionV5[], properties?: ISubscribePacket['properties']): Promise<ISubackPacket> {
  const messageId = packetId();
  client.send({ cmd: 'subscribe', messageId, subscriptions: subs, ...(properties ? { properties } : {}) } as ISubscribePacket);
  return client.log.next<ISubackPacket>((p) => p.cmd === 'suback' && p.messageId === messageId, 5000, 'SUBACK');
}

/** PUBLISH; at QoS > 0 wait for its PUBACK/PUBREC (answering PUBREC with PUBREL and waiting for PUBCOMP). Returns the PUBACK/PUBREC. */
export async function publishV5(client: RawClient, topic: string, payload: string | Buffer, opts: { qos?: 0 | 1 | 2; retain?: boolean; properties?: IPublishPacket['properties'] } = {}): Promise<Packet | undefined> {
  const qos = opts.qos ?? 0;
  const messageId = qos > 0 ? packetId() : undefined;
  client.send({ cmd: 'publish', topic, payload, qos, dup: false, retain: opts.retain ?? false, ...(messageId ? { messageId } : {}), ...(opts.properties ? { properties: opts.properties } : {}) } as IPublishPacket);
  if (qos === 1) return client.log.next((p) => p.cmd === 'puback' && p.messageId === messageId, 5000, 'PUBACK');
  if (qos === 2) {
    const rec = await client.log.next((p) => p.cmd === 'pubrec' && p.messageId === messageId, 5000, 'PUBREC');
    client.send({ cmd: 'pubrel', messageId: messageId! });
    await client.log.next((p) => p.cmd === 'pubcomp' && p.messageId === messageId, 5000, 'PUBCOMP');
    return rec;
  }
  return undefined;
}
