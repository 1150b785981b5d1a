import { afterEach, describe, expect, test } from 'vitest';
import net from 'node:net';
import { startFaultProxy, type StartedFaultProxy } from './fault-proxy.ts';
import { FAULTS, findFault } from './catalogue.ts';
import { RawClient } from '../mqtt/raw-client.ts';

/** A stand-in broker: records what it receives; answers CONNECT with CONNACK and PINGREQ with PINGRESP. */
async function fakeBroker(): Promise<{ port: number; received: Buffer[]; close(): Promise<void> }> {
  const received: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('data', (d) => {
      received.push(d);
      if (d[0] === 0x10) s.write(Buffer.from('20020000', 'hex'));
      if (d[0] === 0xc0) s.write(Buffer.from('d000', 'hex'));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    received,
    close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0)) await c(); });

async function through(faultName?: string): Promise<{ client: RawClient; broker: Awaited<ReturnType<typeof fakeBroker>>; proxy: StartedFaultProxy }> {
  const broker = await fakeBroker();
  const proxy = await startFaultProxy({ upstreamHost: '127.0.0.1', upstreamPort: broker.port, ...(faultName ? { fault: findFault(faultName)! } : {}) });
  const client = await RawClient.open(proxy.host, proxy.port, '3.1.1');
  cleanups.push(() => client.destroy(), () => proxy.close(), () => broker.close());
  return { client, broker, proxy };
}

describe('fault proxy', () => {
  test('without a fault every byte passes unchanged, both ways', async () => {
    const { client, broker } = await through();
    await client.connect({ clientId: 'p1' });
    client.send('c0 00');
    const resp = await client.next(undefined, 2000, 'PINGRESP');
    expect(resp.bytes.toString('hex')).toBe('d000');
    expect(Buffer.concat(broker.received).subarray(-2).toString('hex')).toBe('c000');
  });

  test('a fault changes the traffic (drop-pingresp swallows PINGRESP)', async () => {
    const { client } = await through('drop-pingresp');
    await client.connect({ clientId: 'p2' });
    client.send('c0 00');
    expect(await client.quiet(300)).toEqual([]);
  });

  test('bytes that are not MQTT framing are passed through for the broker to judge', async () => {
    const { client, broker } = await through('accept-pubrel-header-flags');
    await client.connect({ clientId: 'p3' });
    client.send('30 ff ff ff ff 01');
    await client.quiet(200);
    expect(Buffer.concat(broker.received).subarray(-6).toString('hex')).toBe('30ffffffff01');
  });

  test('the catalogue has uniquely named faults; each 3.1.1 fault names its statement and the keys that catch it', () => {
    expect(FAULTS.length).toBeGreaterThanOrEqual(70);
    expect(new Set(FAULTS.map((f) => f.name)).size).toBe(FAULTS.length);
    for (const f of FAULTS.filter((x) => x.protocol === undefined)) {
      expect(f.statement, f.name).toMatch(/^MQTT-\d+(\.\d+)*-\d+$/);
      expect(f.catchers.length, f.name).toBeGreaterThan(0);
    }
  });
});
