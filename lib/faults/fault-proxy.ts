// A small MQTT-aware TCP proxy: sits between clients and a correct broker, splits both byte streams
// into control packets, decodes them with mqtt-packet and lets one named fault rewrite, drop or
// inject packets. Without a fault it forwards every byte unchanged.
import net from 'node:net';
import type { Packet } from 'mqtt-packet';
import { FrameSplitter, decodeFrame, encode, type Frame } from '../mqtt/frames.ts';
import type { Fault, ProxyConnection, Verdict } from './fault.ts';

export interface FaultProxyOptions {
  upstreamHost: string;
  upstreamPort: number;
  fault?: Fault;
  host?: string;
}

export interface StartedFaultProxy {
  host: string;
  port: number;
  close(): Promise<void>;
}

class Connection implements ProxyConnection {
  protocolVersion = 4;
  clientId?: string;
  keepaliveSec?: number;
  sawDisconnect = false;
  readonly state = new Map<string, unknown>();
  private readonly fromClientFrames = new FrameSplitter();
  private readonly fromServerFrames = new FrameSplitter();
  private clientPassthrough = false;
  private serverPassthrough = false;
  private disposed = false;

  constructor(
    readonly id: number,
    readonly client: net.Socket,
    readonly server: net.Socket,
    readonly fault: Fault | undefined,
    readonly all: () => ProxyConnection[],
    private readonly onGone: (c: Connection) => void,
  ) {
    client.on('data', (d: Buffer) => this.onClientData(d));
    server.on('data', (d: Buffer) => this.onServerData(d));
    client.on('error', () => {});
    server.on('error', () => {});
    client.on('close', () => {
      if (!this.fault?.clientClosed?.(this)) this.server.destroy();
      this.maybeGone();
    });
    server.on('close', () => {
      if (!this.fault?.serverClosed?.(this)) this.client.destroy();
      this.maybeGone();
    });
  }

  private maybeGone(): void {
    if (this.disposed || !this.client.destroyed || !this.server.destroyed) return;
    this.disposed = true;
    this.fault?.dispose?.(this);
    this.onGone(this);
  }

  private bytes(data: Buffer | Packet): Buffer {
    return Buffer.isBuffer(data) ? data : encode(data, this.protocolVersion);
  }

  toClient(data: Buffer | Packet): void {
    if (!this.client.destroyed) this.client.write(this.bytes(data));
  }

  toServer(data: Buffer | Packet): void {
    if (!this.server.destroyed) this.server.write(this.bytes(data));
  }

  closeClient(): void {
    this.client.destroy();
  }

  closeServer(): void {
    this.server.destroy();
  }

  endServer(): void {
    this.server.end();
  }

  endClient(): void {
    this.client.end();
  }

  private apply(verdict: Verdict, frame: Frame, send: (d: Buffer | Packet) => void): void {
    if (verdict === undefined) send(frame.bytes);
    else if (verdict === 'drop') return;
    else if (Array.isArray(verdict)) verdict.forEach(send);
    else send(verdict);
  }

  private onClientData(chunk: Buffer): void {
    if (this.clientPassthrough) return this.toServer(chunk);
    let frames: Buffer[];
    try {
      frames = this.fromClientFrames.push(chunk);
    } catch {
      // Not MQTT any more (e.g. a Remaining Length over 4 bytes): let the broker judge the bytes.
      this.clientPassthrough = true;
      return this.toServer(chunk);
    }
    for (const bytes of frames) {
      const frame = decodeFrame(bytes, this.protocolVersion);
      const p = frame.packet;
      if (p?.cmd === 'connect') {
        this.protocolVersion = p.protocolVersion ?? 4;
        this.clientId = p.clientId;
        this.keepaliveSec = p.keepalive;
      }
      if (p?.cmd === 'disconnect') this.sawDisconnect = true;
      this.apply(this.fault?.fromClient?.(frame, this), frame, (d) => this.toServer(d));
    }
  }

  private onServerData(chunk: Buffer): void {
    if (this.serverPassthrough) return this.toClient(chunk);
    let frames: Buffer[];
    try {
      frames = this.fromServerFrames.push(chunk);
    } catch {
      this.serverPassthrough = true;
      return this.toClient(chunk);
    }
    for (const bytes of frames) {
      const frame = decodeFrame(bytes, this.protocolVersion);
      this.apply(this.fault?.fromServer?.(frame, this), frame, (d) => this.toClient(d));
    }
  }
}

export function startFaultProxy(o: FaultProxyOptions): Promise<StartedFaultProxy> {
  const connections = new Set<Connection>();
  let nextId = 1;
  const server = net.createServer((client) => {
    client.setNoDelay(true);
    client.pause();
    const upstream = net.connect({ host: o.upstreamHost, port: o.upstreamPort });
    upstream.setNoDelay(true);
    const conn = new Connection(nextId++, client, upstream, o.fault, () => [...connections], (c) => connections.delete(c));
    connections.add(conn);
    upstream.once('connect', () => client.resume());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, o.host ?? '127.0.0.1', () => {
      const { address, port } = server.address() as net.AddressInfo;
      resolve({
        host: address,
        port,
        close: () => new Promise<void>((r) => {
          for (const c of connections) { c.client.destroy(); c.server.destroy(); }
          server.close(() => r());
        }),
      });
    });
  });
}
