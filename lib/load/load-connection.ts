// One raw MQTT connection owned by a generator worker: connect → CONNACK, SUBSCRIBE → SUBACK, then
// every frame goes to the owner's handler. Plain TCP or TLS, loopback only.
import net from 'node:net';
import tls from 'node:tls';
import type { ProtocolVersion } from '../core/broker.ts';
import { FrameSplitter, PACKET, encodeConnect, encodeDisconnect, encodeSubscribe, type Frame } from './wire-codec.ts';

export interface Endpoint {
  host: string;
  port: number;
  tls: boolean;
  /** A listener's required credentials (ListenerInfo.credentials), sent in every CONNECT. */
  credentials?: { username: string; password: string };
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
/** Source addresses per worker for held connections: 18,000 over 200 addresses is 90 ephemeral ports each. */
const SOURCE_ADDRESSES = 200;

/**
 * The source address for a worker's k-th held connection when the broker is on an IPv4 loopback
 * address: spread over 127.<worker+1>.0.1 … 127.<worker+1>.0.200 (all of 127.0.0.0/8 is loopback on
 * Linux), so that ephemeral ports, counted per source address, never run out. Other hosts (::1,
 * localhost): none, the kernel picks.
 */
export function sourceAddress(host: string, workerIndex: number, k: number): string | undefined {
  return /^127\./.test(host) ? `127.${1 + (workerIndex % 254)}.0.${1 + (k % SOURCE_ADDRESSES)}` : undefined;
}

export class LoadConnection {
  onFrame: (f: Frame) => void = () => {};
  /** Called after each chunk of frames, so acknowledgements can be written in one batch. */
  onChunkEnd: () => void = () => {};
  private pending: { type: number; resolve: (f: Buffer) => void } | undefined;
  private readonly splitter = new FrameSplitter((f) => this.dispatch(f));
  closed = false;

  private constructor(readonly socket: net.Socket, readonly protocol: ProtocolVersion) {
    socket.on('data', (chunk: Buffer) => {
      this.splitter.push(chunk);
      this.onChunkEnd();
    });
    socket.on('close', () => { this.closed = true; });
    socket.on('error', () => { this.closed = true; });
  }

  /** Opens a connection and waits for a successful CONNACK; resolves with the connect→CONNACK time. */
  static async open(ep: Endpoint, clientId: string, protocol: ProtocolVersion, timeoutMs: number, localAddress?: string): Promise<{ conn: LoadConnection; connectMs: number }> {
    // Benchmarks generate real traffic: refuse anything but loopback so a typo cannot load a remote host.
    if (!LOOPBACK.has(ep.host)) throw new Error(`load generation is limited to loopback; ${ep.host} is not`);
    const t0 = performance.now();
    const socket = ep.tls
      // The broker's certificate is generated per run; a load test measures throughput, not trust, so
      // verification is off here (the TLS suite checks certificates).
      ? tls.connect({ host: ep.host, port: ep.port, rejectUnauthorized: false, ...(localAddress ? { localAddress } : {}) })
      : net.connect({ host: ep.host, port: ep.port, ...(localAddress ? { localAddress } : {}) });
    socket.setNoDelay(true);
    const conn = new LoadConnection(socket, protocol);
    const connack = conn.expect(PACKET.CONNACK, timeoutMs, `CONNACK for ${clientId}`);
    socket.once(ep.tls ? 'secureConnect' : 'connect', () => socket.write(encodeConnect(clientId, protocol, 0, ep.credentials)));
    const body = await connack;
    // [MQTT-3.2.2-5] / v5 3.2.2.2: a non-zero return/reason code refuses the connection.
    if (body[1] !== 0) {
      socket.destroy();
      throw new Error(`${clientId}: broker refused the connection (code ${body[1]})`);
    }
    return { conn, connectMs: performance.now() - t0 };
  }

  async subscribe(filter: string, qos: 0 | 1 | 2, timeoutMs: number): Promise<void> {
    const suback = this.expect(PACKET.SUBACK, timeoutMs, `SUBACK for ${filter}`);
    this.socket.write(encodeSubscribe(filter, qos, 1, this.protocol));
    const body = await suback;
    const code = body[body.length - 1]!;
    if (code >= 0x80) throw new Error(`broker refused the subscription to ${filter} (code 0x${code.toString(16)})`);
  }

  write(buf: Buffer): boolean {
    return this.socket.write(buf);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { this.socket.destroy(); resolve(); }, 1000);
      this.socket.once('close', () => { clearTimeout(timer); resolve(); });
      this.socket.end(encodeDisconnect(this.protocol));
    });
  }

  private expect(type: number, timeoutMs: number, what: string): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      // Settling removes the error listener and the timer: an idle held connection keeps neither
      // (nor, through them, this promise and its CONNACK), which is most of its memory otherwise.
      const settle = () => { clearTimeout(timer); this.socket.off('error', onError); };
      const onError = (e: Error) => { settle(); reject(e); };
      const timer = setTimeout(() => { this.pending = undefined; settle(); this.socket.destroy(); reject(new Error(`no ${what} within ${timeoutMs} ms`)); }, timeoutMs);
      this.socket.once('error', onError);
      this.pending = { type, resolve: (b) => { settle(); resolve(b); } };
    });
  }

  private dispatch(f: Frame): void {
    if (this.pending && f.type === this.pending.type) {
      const p = this.pending;
      this.pending = undefined;
      p.resolve(Buffer.from(f.buf.subarray(f.start, f.end)));
      return;
    }
    this.onFrame(f);
  }
}
