// Ephemeral loopback ports for brokers that cannot bind port 0 themselves (mosquitto's `listener 0`
// opens a unix socket). The port is released before the broker binds it, so a start that fails with
// "address in use" is retried with fresh ports (withFreshPorts).
import net from 'node:net';

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort(host));
  return [...ports];
}

/**
 * Runs `start` with `count` freshly probed ports; when it fails because a port was taken between the
 * probe and the broker's bind (`portTaken` matches the error), tries again with new ports, up to
 * `attempts` times in all.
 */
export async function withFreshPorts<T>(count: number, portTaken: RegExp, start: (ports: number[]) => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const ports = await freePorts(count);
    try {
      return await start(ports);
    } catch (e) {
      if (attempt < attempts && e instanceof Error && portTaken.test(e.message)) continue;
      throw e;
    }
  }
}

/** Resolves once a TCP connect to host:port succeeds, or rejects after timeoutMs. */
export async function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host, port });
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`port ${host}:${port} did not open within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
