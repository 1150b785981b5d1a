// Reachability first (a broker the harness does not start): before any suite runs, every listener
// the profile lists is probed — TCP connect, the TLS handshake where the scheme says TLS (with the
// profile's SNI name, ALPN and client certificate), then an MQTT CONNECT answered by a CONNACK (over
// WebSocket for ws/wss) (any return code: a refusal is an answer). A listener that fails
// ends the run with exit 2 and one line naming it, so a gate never reports conformance failures for
// a broker that is not there. Bounded: each step has a deadline.
import net from 'node:net';
import tls from 'node:tls';
import fs from 'node:fs';
import { generate, parser as mqttParser } from 'mqtt-packet';
import mqtt from 'mqtt';
import { UnreachableBrokerError } from '../core/errors.ts';
import type { ListenerInfo } from '../core/broker.ts';
import type { ClientIdentity } from '../core/harness-context.ts';

const STEP_MS = 5000;

export interface ReachabilityTarget {
  name: string;
  /** Every listener the profile lists, extra ones included, with its transport and TLS material. */
  listeners: Record<string, ListenerInfo>;
  /** Client identity for a listener that demands a certificate during the handshake. */
  client?: ClientIdentity;
}

/** TLS options for a probe: SNI and ALPN as the suites send them; the suites judge the certificate. */
function probeTls(l: ListenerInfo, client: ClientIdentity | undefined): tls.ConnectionOptions {
  const servername = l.serverName ?? (net.isIP(l.host) ? undefined : l.host);
  return {
    ...(servername ? { servername } : {}),
    ...(l.alpn ? { ALPNProtocols: l.alpn } : {}),
    rejectUnauthorized: false,
    ...(l.name === 'mtls' && client ? { cert: fs.readFileSync(client.certFile), key: fs.readFileSync(client.keyFile), ...(client.passphrase !== undefined ? { passphrase: client.passphrase } : {}) } : {}),
  };
}

function connectSocket(l: ListenerInfo, client: ClientIdentity | undefined): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = l.tls ? tls.connect({ host: l.host, port: l.port, ...probeTls(l, client) }) : net.connect({ host: l.host, port: l.port });
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no ${l.tls ? 'TLS handshake' : 'TCP connection'} within ${STEP_MS} ms`)); }, STEP_MS);
    socket.once(l.tls ? 'secureConnect' : 'connect', () => { clearTimeout(timer); resolve(socket); });
    socket.once('error', (e: NodeJS.ErrnoException) => { clearTimeout(timer); socket.destroy(); reject(new Error(e.code ?? e.message)); });
  });
}

/** WebSocket listeners: MQTT.js does the HTTP upgrade; a CONNACK of any code is an answer. */
function webSocketConnack(l: ListenerInfo, client: ClientIdentity | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(l.url, {
      protocolVersion: 4, reconnectPeriod: 0, connectTimeout: STEP_MS, clientId: `reach-${process.pid}-${Date.now() % 100000}`,
      ...(l.tls ? (probeTls(l, client) as mqtt.IClientOptions) : {}),
    });
    const done = (e?: Error) => { clearTimeout(timer); c.end(true); e ? reject(e) : resolve(); };
    const timer = setTimeout(() => done(new Error(`no CONNACK within ${STEP_MS} ms over WebSocket`)), STEP_MS + 500);
    c.once('connect', () => done());
    // A refusing CONNACK surfaces as an error with its numeric return code: the listener answered.
    c.once('error', (e: Error & { code?: string | number }) => done(typeof e.code === 'number' ? undefined : new Error(String(e.code ?? e.message))));
    c.once('close', () => done(new Error('closed the connection without a CONNACK')));
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
  for (const [name, l] of Object.entries(o.listeners)) {
    try {
      if (l.transport === 'ws' || l.transport === 'wss') {
        await webSocketConnack(l, o.client).catch((e: Error) => { if (!(/auth/.test(name) && /without a CONNACK/.test(e.message))) throw e; });
        continue;
      }
      const socket = await connectSocket(l, o.client);
      // A listener that demands a certificate may close a client without one right after the
      // handshake (TLS 1.3 asks after it): only a plain failure to connect is judged there. Listeners
      // serving bad certificates on purpose (tls-expired, tls-bad-*) answer with their handshake.
      if ((name === 'mtls' && !o.client) || name === 'tls-expired' || name.startsWith('tls-bad-')) { socket.destroy(); continue; }
      // A password listener may drop an anonymous CONNECT without a CONNACK: the handshake answered.
      await connack(socket).catch((e: Error) => { if (!(/auth/.test(name) && /without a CONNACK/.test(e.message))) throw e; });
    } catch (e) {
      throw new UnreachableBrokerError(o.name, name, l.url, (e as Error).message);
    }
  }
}
