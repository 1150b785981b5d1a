// A loopback TCP relay between a client and a broker listener that records every byte in both
// directions: the packet-capture step of the seed article, without root or tcpdump.
import net from 'node:net';

export interface RecordingRelay {
  port: number;
  /** Everything seen so far, both directions concatenated. */
  bytes(): Buffer;
  close(): Promise<void>;
}

export function startRecordingRelay(target: { host: string; port: number }): Promise<RecordingRelay> {
  const chunks: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => {}); };
  const server = net.createServer((client) => {
    track(client);
    const upstream = net.connect({ host: target.host, port: target.port });
    track(upstream);
    client.on('data', (d: Buffer) => { chunks.push(d); upstream.write(d); });
    upstream.on('data', (d: Buffer) => { chunks.push(d); client.write(d); });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({
      port: (server.address() as net.AddressInfo).port,
      bytes: () => Buffer.concat(chunks),
      close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
    }));
  });
}
