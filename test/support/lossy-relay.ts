// A TCP relay in front of a broker that drops every Nth PUBLISH travelling client → broker (counted
// over all connections). Stand-in for the fault-injecting proxy, to prove the benchmark's loss
// accounting. Loopback only; close() ends every socket.
import net from 'node:net';

export interface LossyRelay {
  port: number;
  dropped(): number;
  close(): Promise<void>;
}

/** Splits a byte stream into whole MQTT packets (fixed header + remaining length). */
function packetSplitter(onPacket: (packet: Buffer) => void): (chunk: Buffer) => void {
  let rest: Buffer = Buffer.alloc(0);
  return (chunk) => {
    rest = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    let o = 0;
    for (;;) {
      let len = 0, mul = 1, i = o + 1, done = false;
      while (i < rest.length && i < o + 5) {
        const b = rest[i++]!;
        len += (b & 0x7f) * mul;
        mul *= 128;
        if (!(b & 0x80)) { done = true; break; }
      }
      if (!done || rest.length - i < len) break;
      onPacket(rest.subarray(o, i + len));
      o = i + len;
    }
    rest = Buffer.from(rest.subarray(o));
  };
}

export async function startLossyRelay(brokerPort: number, dropEvery: number): Promise<LossyRelay> {
  let publishes = 0;
  let dropped = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const broker = net.connect({ host: '127.0.0.1', port: brokerPort });
    for (const s of [client, broker]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => { client.destroy(); broker.destroy(); });
    }
    client.setNoDelay(true);
    broker.setNoDelay(true);
    broker.pipe(client);
    const split = packetSplitter((packet) => {
      if (packet[0]! >> 4 === 3 && ++publishes % dropEvery === 0) {
        dropped++;
        return;
      }
      broker.write(packet);
    });
    client.on('data', split);
    client.on('end', () => broker.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    dropped: () => dropped,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
