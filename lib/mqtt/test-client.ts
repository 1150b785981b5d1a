// MQTT.js clients for tests: connect with a timeout, wait for a message with a timeout, prove absence
// with an explicit quiet window. No sleeps: every wait ends on the awaited event or its deadline.
import { MqttClient, type IClientOptions, type IConnackPacket, type IPublishPacket, type Packet } from 'mqtt';
import type tls from 'node:tls';
import { randomBytes } from 'node:crypto';
import type { ListenerInfo, ProtocolVersion } from '../core/broker.ts';
import { listenerStream } from './listener-stream.ts';

/** The broker could not be reached at all (refused, reset before CONNACK, or no answer). */
export class BrokerUnreachableError extends Error {
  constructor(readonly url: string, override readonly cause: string) {
    super(`broker unreachable at ${url}: ${cause}`);
    this.name = 'BrokerUnreachableError';
  }
}

export class WaitTimeoutError extends Error {
  constructor(readonly what: string, readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms waiting for ${what}`);
    this.name = 'WaitTimeoutError';
  }
}

export const protocolVersionNumber = (p: ProtocolVersion): 4 | 5 => (p === '5' ? 5 : 4);

/** Unique per test, so tests can run concurrently against one broker. */
export function uniqueId(prefix = 'h'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

export interface ConnectOptions extends IClientOptions {
  timeoutMs?: number;
}

const connacks = new WeakMap<MqttClient, IConnackPacket>();

/** The CONNACK a client from connectClient() was accepted with (its MQTT 5 properties: Maximum QoS, …). */
export function connackOf(client: MqttClient): IConnackPacket | undefined {
  return connacks.get(client);
}

export async function connectClient(listener: ListenerInfo, protocol: ProtocolVersion, opts: ConnectOptions = {}): Promise<MqttClient> {
  const { timeoutMs = 5000, ...rest } = opts;
  // A listener without anonymous access names the harness's own user; explicit credentials win.
  if (listener.credentials && rest.username === undefined) Object.assign(rest, listener.credentials);
  // MQTT.js over the harness's own transport (lib/mqtt/listener-stream.ts): TCP, TLS, ws, wss alike.
  const client = new MqttClient(() => listenerStream(listener, { tls: tlsOptionsOf(rest) }), {
    protocolVersion: protocolVersionNumber(protocol),
    clientId: uniqueId('c'),
    reconnectPeriod: 0,
    connectTimeout: timeoutMs,
    ...rest,
  });
  return new Promise<MqttClient>((resolve, reject) => {
    const timer = setTimeout(() => fail(new BrokerUnreachableError(listener.url, `no CONNACK within ${timeoutMs} ms`)), timeoutMs);
    const fail = (e: Error) => {
      clearTimeout(timer);
      client.end(true);
      reject(e);
    };
    client.once('connect', (connack: IConnackPacket) => { clearTimeout(timer); connacks.set(client, connack); resolve(client); });
    client.once('error', (e: Error & { code?: string | number }) => {
      if (typeof e.code === 'string' && /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT/.test(e.code)) {
        fail(new BrokerUnreachableError(listener.url, e.code));
      } else fail(e);
    });
    client.once('close', () => fail(new BrokerUnreachableError(listener.url, 'connection closed before CONNACK')));
  });
}

/** The TLS settings among MQTT.js options (MQTT.js passes the same keys to tls.connect). */
const TLS_OPTION_KEYS = ['ca', 'cert', 'key', 'passphrase', 'pfx', 'rejectUnauthorized', 'servername', 'ALPNProtocols', 'minVersion', 'maxVersion', 'ciphers', 'checkServerIdentity'] as const;

function tlsOptionsOf(o: IClientOptions): tls.ConnectionOptions {
  const source = o as Record<string, unknown>;
  return Object.fromEntries(TLS_OPTION_KEYS.filter((k) => source[k] !== undefined).map((k) => [k, source[k]]));
}

export function endClient(client: MqttClient): Promise<void> {
  return new Promise((resolve) => client.end(false, {}, () => resolve()));
}

export interface ReceivedMessage {
  topic: string;
  payload: Buffer;
  packet: IPublishPacket;
}

/** Collects every PUBLISH a client receives, from the moment it is created. */
export class MessageLog {
  readonly messages: ReceivedMessage[] = [];
  private waiters: { match: (m: ReceivedMessage) => boolean; resolve: (m: ReceivedMessage) => void }[] = [];

  constructor(client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      const m = { topic, payload, packet };
      this.messages.push(m);
      this.waiters = this.waiters.filter((w) => (w.match(m) ? (w.resolve(m), false) : true));
    });
  }

  /** Resolves with the first message (already received or future) that matches. */
  next(match: (m: ReceivedMessage) => boolean = () => true, timeoutMs = 5000, what = 'a PUBLISH'): Promise<ReceivedMessage> {
    const seen = this.messages.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve: (m: ReceivedMessage) => { clearTimeout(timer); resolve(m); } };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new WaitTimeoutError(what, timeoutMs));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Waits a stated quiet window and returns what matched in it (the caller asserts it is empty). */
  async quiet(windowMs: number, match: (m: ReceivedMessage) => boolean = () => true): Promise<ReceivedMessage[]> {
    const from = this.messages.length;
    await new Promise((r) => setTimeout(r, windowMs));
    return this.messages.slice(from).filter(match);
  }
}

/** Resolves with the next packet of the given command the client receives (e.g. 'suback'). */
export function nextPacket(client: MqttClient, cmd: Packet['cmd'], timeoutMs = 5000): Promise<Packet> {
  return new Promise((resolve, reject) => {
    const onPacket = (p: Packet) => {
      if (p.cmd !== cmd) return;
      clearTimeout(timer);
      client.off('packetreceive', onPacket);
      resolve(p);
    };
    const timer = setTimeout(() => {
      client.off('packetreceive', onPacket);
      reject(new WaitTimeoutError(cmd.toUpperCase(), timeoutMs));
    }, timeoutMs);
    client.on('packetreceive', onPacket);
  });
}
