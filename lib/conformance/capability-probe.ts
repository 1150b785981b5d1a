// Asks a started broker what it supports, before any suite runs (see announced-capabilities.ts):
// MQTT 5 CONNACK properties, and for MQTT 3.1.1 what the broker does with a QoS 2 subscription, a
// wildcard subscription and a retained message. Bounded: every step has a deadline, and a probe
// that cannot run (no plain listener, no answer) announces nothing rather than guessing.
import mqtt, { type IConnackPacket, type ISubscriptionGrant, type MqttClient } from 'mqtt';
import type { ListenerInfo, ProtocolVersion } from '../core/broker.ts';
import { uniqueId, protocolVersionNumber } from '../mqtt/test-client.ts';
import type { AnnouncedCapabilities } from './announced-capabilities.ts';

const STEP_MS = 3000;
/** How long a retained message may take to reach a new subscriber before "not retained" is concluded. */
const RETAIN_WINDOW_MS = 1000;

function connect(listener: ListenerInfo, protocol: ProtocolVersion): Promise<{ client: MqttClient; connack: IConnackPacket }> {
  const client = mqtt.connect(listener.url, {
    protocolVersion: protocolVersionNumber(protocol), clientId: uniqueId('probe'), reconnectPeriod: 0, connectTimeout: STEP_MS,
    rejectUnauthorized: false, ...(listener.credentials ?? {}),
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { client.end(true); reject(new Error(`no CONNACK within ${STEP_MS} ms`)); }, STEP_MS);
    client.once('connect', (connack) => { clearTimeout(timer); resolve({ client, connack }); });
    client.once('error', (e) => { clearTimeout(timer); client.end(true); reject(e); });
  });
}

function subscribe(client: MqttClient, topic: string, qos: 0 | 1 | 2): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no SUBACK within ${STEP_MS} ms`)), STEP_MS);
    client.subscribe(topic, { qos }, (err, granted?: ISubscriptionGrant[]) => {
      clearTimeout(timer);
      // MQTT.js reports a 0x80 grant as an error for some versions and as qos 128 for others.
      if (err && !granted?.length) return resolve(0x80);
      resolve(granted?.[0]?.qos ?? 0x80);
    });
  });
}

function publishRetained(client: MqttClient, topic: string, payload: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no PUBACK within ${STEP_MS} ms`)), STEP_MS);
    client.publish(topic, payload, { qos: 1, retain: true }, (err) => { clearTimeout(timer); err ? reject(err) : resolve(); });
  });
}

function retainedArrives(client: MqttClient, topic: string): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => { client.off('message', on); resolve(false); }, RETAIN_WINDOW_MS);
    const on = (t: string, _p: Buffer, packet: { retain?: boolean }) => {
      if (t !== topic || !packet.retain) return;
      clearTimeout(timer); client.off('message', on); resolve(true);
    };
    client.on('message', on);
  });
}

const end = (c: MqttClient) => new Promise<void>((r) => c.end(false, {}, () => r()));

async function probeV5(listener: ListenerInfo): Promise<AnnouncedCapabilities> {
  const { client, connack } = await connect(listener, '5');
  await end(client);
  const p = connack.properties ?? {};
  const said = (name: string, v: unknown, dflt: string) => (v === undefined ? `CONNACK has no ${name} (${dflt})` : `CONNACK ${name} = ${Number(v)}`);
  return {
    maxQos: { value: (p.maximumQoS ?? 2) as 0 | 1 | 2, evidence: said('Maximum QoS', p.maximumQoS, 'QoS 2'), protocol: '5' },
    retain: { value: p.retainAvailable ?? true, evidence: said('Retain Available', p.retainAvailable, 'available'), protocol: '5' },
    wildcards: { value: p.wildcardSubscriptionAvailable ?? true, evidence: said('Wildcard Subscription Available', p.wildcardSubscriptionAvailable, 'available'), protocol: '5' },
    sharedSubscriptions: { value: p.sharedSubscriptionAvailable ?? true, evidence: said('Shared Subscription Available', p.sharedSubscriptionAvailable, 'available'), protocol: '5' },
    subscriptionIdentifiers: { value: p.subscriptionIdentifiersAvailable ?? true, evidence: said('Subscription Identifier Available', p.subscriptionIdentifiersAvailable, 'available'), protocol: '5' },
  };
}

async function probeV311(listener: ListenerInfo): Promise<AnnouncedCapabilities> {
  const base = `probe/${uniqueId('cap')}`;
  const { client } = await connect(listener, '3.1.1');
  const reader = await connect(listener, '3.1.1').then((r) => r.client);
  try {
    const out: AnnouncedCapabilities = {};
    const q2 = await subscribe(client, `${base}/qos`, 2);
    out.maxQos = { value: (q2 === 0x80 ? 0 : q2) as 0 | 1 | 2, evidence: `SUBACK ${q2 === 0x80 ? '0x80' : `QoS ${q2}`} for a QoS 2 subscription`, protocol: '3.1.1' };
    if (q2 === 0x80) {
      const q1 = await subscribe(client, `${base}/qos1`, 1);
      out.maxQos = { value: (q1 === 0x80 ? 0 : q1) as 0 | 1 | 2, evidence: `SUBACK 0x80 for QoS 2, ${q1 === 0x80 ? '0x80' : `QoS ${q1}`} for QoS 1`, protocol: '3.1.1' };
    }
    const wild = await subscribe(client, `${base}/+/w`, 0);
    out.wildcards = { value: wild !== 0x80, evidence: `SUBACK ${wild === 0x80 ? '0x80' : `QoS ${wild}`} for ${base}/+/w`, protocol: '3.1.1' };
    const topic = `${base}/retained`;
    await publishRetained(client, topic, 'r');
    const arrives = retainedArrives(reader, topic);
    await subscribe(reader, topic, 1);
    const kept = await arrives;
    out.retain = { value: kept, evidence: kept ? 'a retained message reached a later subscriber' : `a retained message did not reach a later subscriber within ${RETAIN_WINDOW_MS} ms`, protocol: '3.1.1' };
    if (kept) await publishRetained(client, topic, '').catch(() => undefined); // leave no retained message behind
    return out;
  } finally {
    await Promise.all([end(client), end(reader)]);
  }
}

/**
 * Probes on the plain listener for each protocol under test; MQTT 5's announcement wins where both
 * speak. Returns what could be learned and, per protocol, why the probe could not run.
 */
export async function probeCapabilities(listener: ListenerInfo | undefined, protocols: readonly ProtocolVersion[]): Promise<{ announced: AnnouncedCapabilities; problems: string[] }> {
  const announced: AnnouncedCapabilities = {};
  const problems: string[] = [];
  if (!listener) return { announced, problems: ['no plain listener to probe'] };
  for (const protocol of ['3.1.1', '5'] as const) {
    if (!protocols.includes(protocol)) continue;
    try {
      Object.assign(announced, protocol === '5' ? await probeV5(listener) : await probeV311(listener));
    } catch (e) {
      problems.push(`MQTT ${protocol} probe: ${(e as Error).message}`);
    }
  }
  return { announced, problems };
}
