// Reachability first (a broker the harness does not start): before any suite runs, every listener
// the profile lists is probed — TCP connect, the TLS handshake where the scheme says TLS, then an
// MQTT CONNECT answered by a CONNACK (any return code: a refusal is an answer). A listener that fails
// ends the run with exit 2 and one line naming it, so a gate never reports conformance failures for
// a broker that is not there. Bounded: each step has a deadline.
import net from 'node:net';
import tls from 'node:tls';
import fs from 'node:fs';
import { generate, parser as mqttParser } from 'mqtt-packet';
import { UnreachableBrokerError } from '../core/errors.ts';

const STEP_MS = 5000;

export interface ReachabilityTarget {
  name: string;
  listeners: Record<string, string | undefined>;
  /** Client identity for a listener that demands a certificate during the handshake. */
  clientCertFile?: string;
  clientKeyFile?: string;
}

function connectSocket(url: URL, o: ReachabilityTarget, listener: string): Promise<net.Socket> {
  const port = Number(url.port || (url.protocol === 'mqtts:' ? 8883 : 1883));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const useTls = url.protocol === 'mqtts:';
    // Verification is the TLS suites' job (and their verdicts); here only "does it answer".
    const socket = useTls
      ? tls.connect({
        host, port, servername: net.isIP(host) ? undefined : host, rejectUnauthorized: false,
        ...(listener === 'mtls' && o.clientCertFile && o.clientKeyFile ? { cert: fs.readFileSync(o.clientCertFile), key: fs.readFileSync(o.clientKeyFile) } : {}),
      })
      : net.connect({ host, port });
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no ${useTls ? 'TLS handshake' : 'TCP connection'} within ${STEP_MS} ms`)); }, STEP_MS);
    socket.once(useTls ? 'secureConnect' : 'connect', () => { clearTimeout(timer); resolve(socket); });
    socket.once('error', (e: NodeJS.ErrnoException) => { clearTimeout(timer); socket.destroy(); reject(new Error(e.code ?? e.message)); });
  });
}

function connack(socket: net.Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = mqttParser({ protocolVersion: 4 });
    const done = (e?: Error) => { clearTimeout(timer); socket.destroy(); e ? reject(e) : resolve(); };
    const timer = setTimeout(() => done(new Error(`no CONNACK within ${STEP_MS} ms after CONNECT`)), STEP_MS);
    p.on('packet', (packet) => done(packet.cmd === 'connack' ? undefined : new Error(`answered CONNECT with ${packet.cmd.toUpperCase()}`)));
    p.on('error', (e) => done(new Error(`answered CONNECT with bytes that are not MQTT (${e.message})`)));
    socket.on('data', (d) => p.parse(d));
    socket.once('close', () => done(new Error('closed the connection without a CONNACK')));
    socket.write(generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: `reach-${process.pid}-${Date.now() % 100000}`, keepalive: 30 }));
  });
}

/** Throws UnreachableBrokerError for the first listener that does not answer. */
export async function assertReachable(o: ReachabilityTarget): Promise<void> {
  for (const [listener, raw] of Object.entries(o.listeners)) {
    if (!raw) continue;
    const url = new URL(raw);
    try {
      const socket = await connectSocket(url, o, listener);
      // A listener that demands a certificate may close a client without one right after the
      // handshake (TLS 1.3 asks after it): only a plain failure to connect is judged there.
      if (listener === 'mtls' && !(o.clientCertFile && o.clientKeyFile)) { socket.destroy(); continue; }
      // The password listener may drop an anonymous CONNECT without a CONNACK: the handshake answered.
      await connack(socket).catch((e: Error) => { if (!(listener === 'auth' && /without a CONNACK/.test(e.message))) throw e; });
    } catch (e) {
      throw new UnreachableBrokerError(o.name, listener, raw, (e as Error).message);
    }
  }
}
