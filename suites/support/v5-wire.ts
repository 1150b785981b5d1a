// A raw MQTT 5.0 session over TCP built on mqtt-packet: send exactly the packets (or bytes) a test
// wants, see exactly what the broker sends back. Every wait ends on the awaited packet, the socket
// closing, or a deadline; absence is proven with an explicit quiet window.
import net from 'node:net';
import mqttPacket, { type Packet, type IConnectPacket, type IConnackPacket, type IDisconnectPacket } from 'mqtt-packet';
import { uniqueId, WaitTimeoutError } from '../../lib/mqtt/test-client.ts';
import type { ListenerInfo } from '../../lib/core/broker.ts';

export type PacketMatch = Packet['cmd'] | ((p: Packet) => boolean);

/** How a connection ended, from the client's side. */
export interface CloseOutcome {
  /** The DISCONNECT the broker sent before closing, if any. */
  disconnect?: IDisconnectPacket;
  /** A CONNACK with a failure code the broker sent before closing, if any. */
  connack?: IConnackPacket;
}

export class WireSession {
  readonly received: Packet[] = [];
  /** Byte length of every received packet, in order (for Maximum Packet Size checks). */
  readonly receivedSizes: number[] = [];
  parseErrors: string[] = [];
  /**
   * Acknowledge deliveries as they arrive (QoS 1 PUBACK, QoS 2 PUBREC then PUBCOMP on PUBREL), for
   * tests about what arrives rather than about the acknowledgement flow: a broker may keep a single
   * message in flight and would otherwise wait for an acknowledgement that never comes.
   */
  private autoAck = false;
  private closedFlag = false;
  private waiters: { match: (p: Packet) => boolean; resolve: (p: Packet) => void }[] = [];
  private closeWaiters: (() => void)[] = [];

  /** The listener's required credentials (ListenerInfo.credentials), sent in every CONNECT that names no user. */
  private credentials: ListenerInfo['credentials'];

  private constructor(readonly socket: net.Socket) {
    const parser = mqttPacket.parser({ protocolVersion: 5 });
    socket.on('data', (chunk) => parser.parse(chunk));
    parser.on('packet', (p: Packet & { length?: number }) => {
      this.received.push(p);
      this.receivedSizes.push(sizeOf(p));
      if (this.autoAck) this.acknowledge(p);
      this.waiters = this.waiters.filter((w) => (w.match(p) ? (w.resolve(p), false) : true));
    });
    parser.on('error', (e: Error) => this.parseErrors.push(e.message));
    const onClose = () => {
      if (this.closedFlag) return;
      this.closedFlag = true;
      for (const w of this.closeWaiters) w();
      this.closeWaiters = [];
    };
    socket.on('close', onClose);
    socket.on('error', onClose);
  }

  static open(listener: ListenerInfo, timeoutMs = 5000): Promise<WireSession> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: listener.host, port: listener.port });
      const timer = setTimeout(() => { socket.destroy(); reject(new WaitTimeoutError(`TCP connect to ${listener.url}`, timeoutMs)); }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.setNoDelay(true);
        const session = new WireSession(socket);
        session.credentials = listener.credentials;
        resolve(session);
      });
      socket.once('error', (e) => { clearTimeout(timer); reject(e); });
    });
  }

  /** Starts acknowledging (see autoAck), beginning with deliveries that already arrived. */
  startAutoAck(): void {
    this.autoAck = true;
    for (const p of this.received) this.acknowledge(p);
  }

  private acknowledge(p: Packet): void {
    if (p.cmd === 'publish' && p.qos > 0) this.send(p.qos === 1 ? { cmd: 'puback', messageId: p.messageId!, reasonCode: 0 } : { cmd: 'pubrec', messageId: p.messageId!, reasonCode: 0 });
    else if (p.cmd === 'pubrel') this.send({ cmd: 'pubcomp', messageId: p.messageId!, reasonCode: 0 });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  send(packet: Packet): void {
    if (this.closedFlag) return;
    if (packet.cmd === 'connect' && this.credentials && packet.username === undefined) {
      packet = { ...packet, username: this.credentials.username, password: Buffer.from(this.credentials.password) };
    }
    this.socket.write(mqttPacket.generate(packet, { protocolVersion: 5 }));
  }

  sendBytes(bytes: Buffer): void {
    if (this.closedFlag) return;
    this.socket.write(bytes);
  }

  /** The first packet (already received or future) that matches. */
  next<P extends Packet = Packet>(match: PacketMatch, timeoutMs = 5000, what?: string): Promise<P> {
    const fn = typeof match === 'string' ? (p: Packet) => p.cmd === match : match;
    const seen = this.received.find(fn);
    if (seen) return Promise.resolve(seen as P);
    const label = what ?? (typeof match === 'string' ? match.toUpperCase() : 'a matching packet');
    return new Promise((resolve, reject) => {
      const waiter = { match: fn, resolve: (p: Packet) => { clearTimeout(timer); resolve(p as P); } };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new WaitTimeoutError(label, timeoutMs));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Like next, but only packets that arrive after this call. */
  nextNew<P extends Packet = Packet>(match: PacketMatch, timeoutMs = 5000, what?: string): Promise<P> {
    const from = this.received.length;
    const fn = typeof match === 'string' ? (p: Packet) => p.cmd === match : match;
    return this.next<P>((p) => this.received.indexOf(p) >= from && fn(p), timeoutMs, what);
  }

  /** Waits a stated quiet window; returns the matching packets that arrived in it. */
  async quiet(windowMs: number, match: PacketMatch = () => true): Promise<Packet[]> {
    const fn = typeof match === 'string' ? (p: Packet) => p.cmd === match : match;
    const from = this.received.length;
    await new Promise((r) => setTimeout(r, windowMs));
    return this.received.slice(from).filter(fn);
  }

  /** Resolves when the broker closes the connection; rejects if it is still open after timeoutMs. */
  waitClosed(timeoutMs = 5000): Promise<CloseOutcome> {
    const outcome = (): CloseOutcome => {
      const disconnect = this.received.find((p): p is IDisconnectPacket => p.cmd === 'disconnect');
      const connack = this.received.find((p): p is IConnackPacket => p.cmd === 'connack' && (p.reasonCode ?? 0) >= 0x80);
      return { ...(disconnect ? { disconnect } : {}), ...(connack ? { connack } : {}) };
    };
    if (this.closedFlag) return Promise.resolve(outcome());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new WaitTimeoutError('the broker to close the connection', timeoutMs)), timeoutMs);
      this.closeWaiters.push(() => { clearTimeout(timer); resolve(outcome()); });
    });
  }

  /** Drops the TCP connection without DISCONNECT (an abnormal close, triggers the will). */
  destroy(): void {
    this.socket.destroy();
  }

  /** Sends DISCONNECT (reason 0 unless given) and closes. */
  disconnect(reasonCode = 0, properties?: IDisconnectPacket['properties']): void {
    this.send({ cmd: 'disconnect', reasonCode, ...(properties ? { properties } : {}) });
    this.socket.end();
  }
}

/** Size on the wire: fixed header byte + Remaining Length varint + Remaining Length (parser sets `length`). */
function sizeOf(p: Packet & { length?: number }): number {
  const len = p.length ?? 0;
  const varint = len < 128 ? 1 : len < 16_384 ? 2 : len < 2_097_152 ? 3 : 4;
  return 1 + varint + len;
}

export type ConnectFields = Partial<Omit<IConnectPacket, 'cmd'>>;

/** Opens a session and sends a v5 CONNECT; resolves with the session and the CONNACK. */
export async function connectV5(listener: ListenerInfo, fields: ConnectFields = {}, timeoutMs = 5000): Promise<{ s: WireSession; connack: IConnackPacket }> {
  const s = await WireSession.open(listener, timeoutMs);
  s.send({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 5,
    clean: true,
    keepalive: 60,
    clientId: uniqueId('w'),
    ...fields,
  } as IConnectPacket);
  const connack = await s.next<IConnackPacket>('connack', timeoutMs);
  return { s, connack };
}

let nextId = 1;
/** A packet identifier unique within this process (tests share no session, so this is enough). */
export function pid(): number {
  nextId = nextId >= 65000 ? 1 : nextId + 1;
  return nextId;
}

/** SUBSCRIBE and wait for its SUBACK. */
export async function subscribeV5(s: WireSession, subs: { topic: string; qos: 0 | 1 | 2; nl?: boolean; rap?: boolean; rh?: number }[], properties?: Record<string, unknown>): Promise<mqttPacket.ISubackPacket> {
  const messageId = pid();
  s.send({ cmd: 'subscribe', messageId, subscriptions: subs, ...(properties ? { properties } : {}) } as mqttPacket.ISubscribePacket);
  return s.next<mqttPacket.ISubackPacket>((p) => p.cmd === 'suback' && p.messageId === messageId, 5000, 'SUBACK');
}

/** QoS>0 PUBLISH and wait for its PUBACK/PUBREC (answering PUBREC with PUBREL and waiting for PUBCOMP). */
export async function publishV5(s: WireSession, topic: string, payload: string | Buffer, opts: { qos?: 0 | 1 | 2; retain?: boolean; properties?: mqttPacket.IPublishPacket['properties'] } = {}): Promise<Packet | undefined> {
  const qos = opts.qos ?? 0;
  const messageId = qos > 0 ? pid() : undefined;
  s.send({ cmd: 'publish', topic, payload, qos, dup: false, retain: opts.retain ?? false, ...(messageId ? { messageId } : {}), ...(opts.properties ? { properties: opts.properties } : {}) } as mqttPacket.IPublishPacket);
  if (qos === 1) return s.next((p) => p.cmd === 'puback' && p.messageId === messageId, 5000, 'PUBACK');
  if (qos === 2) {
    const rec = await s.next((p) => p.cmd === 'pubrec' && p.messageId === messageId, 5000, 'PUBREC');
    s.send({ cmd: 'pubrel', messageId: messageId! });
    await s.next((p) => p.cmd === 'pubcomp' && p.messageId === messageId, 5000, 'PUBCOMP');
    return rec;
  }
  return undefined;
}
