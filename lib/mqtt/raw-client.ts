// The one raw MQTT client (3.1.1 and 5.0) for conformance tests: sends exact bytes or mqtt-packet
// objects and reads the broker's packets with their raw bytes. Two ways to read: next()/nextOf()
// consume packets one by one (step-by-step flows, the vector runner); `log` keeps every packet for
// tests that look at a connection's history. Waits end on the awaited packet, on close, or on a
// stated deadline; absence is proven with an explicit quiet window. Never sleeps and then counts.
import type { Duplex } from 'node:stream';
import type { Packet, IConnackPacket, IConnectPacket, IDisconnectPacket } from 'mqtt-packet';
import type { ListenerInfo, ProtocolVersion } from '../core/broker.ts';
import { FrameSplitter, decodeFrame, encode, hexToBytes, type Frame } from './frames.ts';
import { PacketLog } from './packet-log.ts';
import { openListenerStream, type ListenerStreamOptions, type StreamListener } from './listener-stream.ts';
import { WaitTimeoutError, protocolVersionNumber, uniqueId } from './test-client.ts';

type ListenerCredentials = NonNullable<ListenerInfo['credentials']>;

export class ConnectionClosedError extends Error {
  constructor(readonly what: string, readonly receivedBefore: Frame[]) {
    super(`connection closed by the broker while waiting for ${what}`);
    this.name = 'ConnectionClosedError';
  }
}

export class UnexpectedPacketError extends Error {
  constructor(readonly expected: string, readonly frame: Frame) {
    super(`expected ${expected}, got ${frame.packet?.cmd ?? `undecodable ${frame.bytes.toString('hex')}`}`);
    this.name = 'UnexpectedPacketError';
  }
}

export interface CloseResult {
  /** Milliseconds from the start of expectClose() to the close. */
  afterMs: number;
  /** Packets the broker sent before closing (not consumed by next()). */
  packets: Frame[];
  /** The DISCONNECT the broker sent before closing, if any (from the whole log). */
  disconnect?: IDisconnectPacket;
  /** A CONNACK with a failure code (>= 0x80) the broker sent before closing, if any. */
  connack?: IConnackPacket;
}

type Waiter = { match: (f: Frame) => boolean; resolve: (f: Frame) => void; reject: (e: Error) => void; what: string };

export class RawClient {
  readonly protocolVersion: number;
  private readonly splitter = new FrameSplitter();
  private queue: Frame[] = [];
  private waiters: Waiter[] = [];
  private closeWaiters: (() => void)[] = [];
  /** Every frame received, consumed or not, in order. */
  readonly received: Frame[] = [];
  /** Every decoded packet, never consumed (see PacketLog). */
  readonly log = new PacketLog();
  closed = false;
  closedAt = 0;
  streamError?: string;
  /**
   * Acknowledge deliveries as they arrive (QoS 1 PUBACK, QoS 2 PUBREC then PUBCOMP on PUBREL), for
   * tests about what arrives rather than about the acknowledgement flow: a broker may keep a single
   * message in flight and would otherwise wait for an acknowledgement that never comes.
   */
  private autoAck = false;
  /** MQTT 5: the Maximum QoS the broker's CONNACK announced; absent means 2 (MQTT-3.2.2-9). */
  announcedMaxQos?: 0 | 1 | 2;
  /** Sees every packet object before it is sent (a test's guard, e.g. suites/support/conformance.ts). */
  beforeSend?: (packet: Packet) => void;

  private readonly connectDefaults: Partial<IConnectPacket>;

  private constructor(readonly socket: Duplex, readonly protocol: ProtocolVersion, credentials?: ListenerCredentials) {
    this.connectDefaults = credentials ? { username: credentials.username, password: Buffer.from(credentials.password) } : {};
    this.protocolVersion = protocolVersionNumber(protocol);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => { /* a reset is a close for our purposes */ });
    socket.on('close', () => this.onClose());
  }

  /**
   * Opens a TCP connection (no MQTT yet). `credentials` (a listener's required ones,
   * ListenerInfo.credentials) go into every CONNECT that sets no user name itself.
   */
  static open(host: string, port: number, protocol: ProtocolVersion, timeoutMs = 5000, credentials?: ListenerCredentials): Promise<RawClient> {
    return RawClient.openStream({ host, port, tls: false }, protocol, timeoutMs, credentials);
  }

  /**
   * Opens a connection to a listener over its transport (TCP, TLS, WebSocket, WebSocket over TLS:
   * lib/mqtt/listener-stream.ts), with the listener's required credentials.
   */
  static openListener(listener: ListenerInfo, protocol: ProtocolVersion, timeoutMs = 5000, streamOptions: ListenerStreamOptions = {}): Promise<RawClient> {
    return RawClient.openStream(listener, protocol, timeoutMs, listener.credentials, streamOptions);
  }

  private static async openStream(l: StreamListener, protocol: ProtocolVersion, timeoutMs: number, credentials?: ListenerCredentials, o: ListenerStreamOptions = {}): Promise<RawClient> {
    return new RawClient(await openListenerStream(l, o, timeoutMs), protocol, credentials);
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.splitter.push(chunk);
    } catch (e) {
      this.streamError = (e as Error).message;
      this.socket.destroy();
      return;
    }
    for (const bytes of frames) {
      const frame = decodeFrame(bytes, this.protocolVersion);
      this.received.push(frame);
      if (frame.packet) {
        if (frame.packet.cmd === 'connack' && this.protocolVersion === 5) this.announcedMaxQos = (frame.packet.properties?.maximumQoS ?? 2) as 0 | 1 | 2;
        if (this.autoAck) this.acknowledge(frame.packet);
        this.log.add(frame.packet, bytes.length);
      }
      const w = this.waiters.find((x) => x.match(frame));
      if (w) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(frame);
      } else this.queue.push(frame);
    }
  }

  private onClose(): void {
    this.closed = true;
    this.closedAt = Date.now();
    for (const w of this.waiters) w.reject(new ConnectionClosedError(w.what, this.queue));
    this.waiters = [];
    for (const c of this.closeWaiters) c();
    this.closeWaiters = [];
  }

  /** Starts acknowledging (see autoAck), beginning with deliveries that already arrived. */
  startAutoAck(): void {
    this.autoAck = true;
    for (const p of this.log.packets) this.acknowledge(p);
  }

  private acknowledge(p: Packet): void {
    if (p.cmd === 'publish' && p.qos > 0) this.send(p.qos === 1 ? { cmd: 'puback', messageId: p.messageId!, reasonCode: 0 } : { cmd: 'pubrec', messageId: p.messageId!, reasonCode: 0 });
    else if (p.cmd === 'pubrel') this.send({ cmd: 'pubcomp', messageId: p.messageId!, reasonCode: 0 });
  }

  /**
   * Sends raw bytes (Buffer or hex string) or a packet object encoded for this protocol version. A
   * CONNECT object that names no user carries the listener's required credentials.
   */
  send(data: Buffer | string | Packet): void {
    if (this.closed) return; // writing to a closed socket is not an observation; expectClose() reports the close
    if (typeof data === 'object' && !Buffer.isBuffer(data)) this.beforeSend?.(data);
    if (typeof data === 'object' && !Buffer.isBuffer(data) && data.cmd === 'connect' && data.username === undefined) data = { ...data, ...this.connectDefaults };
    const bytes = Buffer.isBuffer(data) ? data : typeof data === 'string' ? hexToBytes(data) : encode(data, this.protocolVersion);
    this.socket.write(bytes);
  }

  /** Consumes the next frame (optionally: the next one matching), waiting at most timeoutMs. */
  next(match: (f: Frame) => boolean = () => true, timeoutMs = 5000, what = 'a packet'): Promise<Frame> {
    const i = this.queue.findIndex(match);
    if (i >= 0) return Promise.resolve(this.queue.splice(i, 1)[0]!);
    if (this.closed) return Promise.reject(new ConnectionClosedError(what, this.queue));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        what,
        resolve: (f) => { clearTimeout(timer); resolve(f); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new WaitTimeoutError(what, timeoutMs));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Consumes the next packet of the given command (other packets stay queued). */
  nextOf<C extends Packet['cmd']>(cmd: C, match: (p: Extract<Packet, { cmd: C }>) => boolean = () => true, timeoutMs = 5000): Promise<Extract<Packet, { cmd: C }>> {
    return this.next((f) => f.packet?.cmd === cmd && match(f.packet as Extract<Packet, { cmd: C }>), timeoutMs, cmd.toUpperCase())
      .then((f) => f.packet as Extract<Packet, { cmd: C }>);
  }

  /**
   * Waits a stated window and returns the matching packets not consumed by next(): those already
   * queued (they may have arrived just before the window) and those arriving during it. An absence
   * check asserts the result is empty.
   */
  async quiet(windowMs: number, match: (f: Frame) => boolean = () => true): Promise<Frame[]> {
    const queued = this.queue.filter(match);
    const from = this.received.length;
    await new Promise<void>((r) => {
      const t = setTimeout(r, windowMs);
      if (this.closed) { clearTimeout(t); r(); }
    });
    const arrived = this.received.slice(from).filter((f) => match(f) && !queued.includes(f));
    return [...queued, ...arrived];
  }

  /** Resolves when the broker closes the connection; rejects after timeoutMs if it stays open. */
  expectClose(timeoutMs = 5000, what = 'the broker to close the connection'): Promise<CloseResult> {
    const t0 = Date.now();
    const result = (): CloseResult => {
      const disconnect = this.log.packets.find((p): p is IDisconnectPacket => p.cmd === 'disconnect');
      const connack = this.log.packets.find((p): p is IConnackPacket => p.cmd === 'connack' && (p.reasonCode ?? 0) >= 0x80);
      return { afterMs: Math.max(0, this.closedAt - t0), packets: this.queue.splice(0), ...(disconnect ? { disconnect } : {}), ...(connack ? { connack } : {}) };
    };
    if (this.closed) return Promise.resolve(result());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.closeWaiters = this.closeWaiters.filter((c) => c !== done);
        reject(new WaitTimeoutError(what, timeoutMs));
      }, timeoutMs);
      const done = () => { clearTimeout(timer); resolve(result()); };
      this.closeWaiters.push(done);
    });
  }

  /** Sends CONNECT and returns the CONNACK (throws if another packet or a close comes first). */
  async connect(opts: Partial<IConnectPacket> = {}, timeoutMs = 5000): Promise<IConnackPacket> {
    this.send({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: this.protocolVersion as 4 | 5, clean: true, keepalive: 60, clientId: uniqueId('raw'), ...opts });
    const f = await this.next(undefined, timeoutMs, 'CONNACK');
    if (f.packet?.cmd !== 'connack') throw new UnexpectedPacketError('CONNACK as the first packet', f);
    return f.packet;
  }

  /** Closes our side abruptly (no DISCONNECT): the broker sees a network failure. */
  destroy(): void {
    this.socket.destroy();
  }

  /** Sends DISCONNECT (MQTT 5: with the reason code, 0 unless given) and closes our side. */
  disconnect(reasonCode?: number, properties?: IDisconnectPacket['properties']): void {
    if (!this.closed) this.socket.end(encode({ cmd: 'disconnect', ...(reasonCode !== undefined ? { reasonCode } : {}), ...(properties ? { properties } : {}) }, this.protocolVersion));
  }
}

/** Opens a raw client on a listener (its transport and credentials) and completes CONNECT/CONNACK with return code 0. */
export async function connectRaw(listener: ListenerInfo, protocol: ProtocolVersion, opts: Partial<IConnectPacket> = {}): Promise<{ client: RawClient; connack: IConnackPacket }> {
  const client = await RawClient.openListener(listener, protocol);
  const connack = await client.connect(opts);
  const code = connack.returnCode ?? connack.reasonCode ?? 0;
  if (code !== 0) {
    client.destroy();
    throw new Error(`CONNACK refused the connection: code ${code}`);
  }
  return { client, connack };
}
