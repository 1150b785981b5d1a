// One MQTT connection attempt over a raw socket (TCP or TLS), recording exactly what happened: the TLS
// error or alert, whether the handshake completed, the CONNACK code, whether the connection closed.
// Used where a refusal is the expected outcome; MQTT.js hides too much of that (retries, error
// mapping). Under TLS 1.3 a refused client certificate surfaces only after the client's handshake has
// completed (alert or bare close after CONNECT), so "refused" = no successful CONNACK + closed.
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import mqttPacket from 'mqtt-packet';
import type { ListenerInfo, ProtocolVersion } from '../../lib/core/broker.ts';
import { protocolVersionNumber, uniqueId } from '../../lib/mqtt/test-client.ts';

export interface AttemptResult {
  /** Error seen on the socket, e.g. ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED or ECONNRESET. */
  error?: string;
  /** The TLS handshake completed from the client's side. */
  handshake: boolean;
  tlsProtocol?: string;
  cipher?: string;
  /** CONNACK return code (3.1.1) or reason code (5); absent when none arrived. */
  connackCode?: number;
  closed: boolean;
  /**
   * The TCP connection was established. Over TLS, Node's client writes its ClientHello as soon as it
   * is, so an error after this point is the server's answer to the ClientHello; ECONNREFUSED (or a
   * reset) without it never reached TLS.
   */
  tcpConnected?: boolean;
  /** Neither a verdict nor a close within the attempt's timeout: the server did not answer. */
  timedOut?: boolean;
}

export interface AttemptOptions {
  protocol: ProtocolVersion;
  username?: string;
  password?: string;
  /** TLS options (ca, cert, key, passphrase, minVersion, ...); absent = plain TCP. */
  tls?: tls.ConnectionOptions;
  timeoutMs?: number;
}

export function describeAttempt(r: AttemptResult): string {
  const parts = [
    r.handshake ? `TLS handshake done${r.tlsProtocol ? ` (${r.tlsProtocol})` : ''}` : 'no TLS handshake',
    r.connackCode === undefined ? 'no CONNACK' : `CONNACK code ${r.connackCode}`,
    r.error ? `error ${r.error}` : 'no error',
    r.closed ? 'connection closed' : 'connection still open',
  ];
  return parts.join(', ');
}

function errorName(e: Error & { code?: string }): string {
  return e.code ? `${e.code}${e.message && !e.message.includes(e.code) ? ` (${e.message.split('\n')[0]})` : ''}` : e.message;
}

export function attemptConnect(listener: Pick<ListenerInfo, 'host' | 'port' | 'credentials' | 'caFile' | 'serverName' | 'alpn'>, o: AttemptOptions): Promise<AttemptResult> {
  const timeoutMs = o.timeoutMs ?? 5000;
  // A listener without anonymous access names the credentials every client must bring (ListenerInfo).
  if (o.username === undefined && listener.credentials) o = { ...o, ...listener.credentials };
  const result: AttemptResult = { handshake: false, closed: false };
  const version = protocolVersionNumber(o.protocol);
  const connect = mqttPacket.generate({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: version,
    clean: true,
    keepalive: 30,
    clientId: uniqueId('attempt'),
    ...(o.username !== undefined ? { username: o.username } : {}),
    ...(o.password !== undefined ? { password: Buffer.from(o.password) } : {}),
  });
  return new Promise((resolve) => {
    let socket: net.Socket;
    try {
      socket = o.tls
        ? tls.connect({ host: listener.host, port: listener.port, ...listenerTls(listener), ...o.tls })
        : net.connect({ host: listener.host, port: listener.port });
    } catch (e) {
      // The client could not even build its TLS context (e.g. a cipher this OpenSSL lacks).
      return resolve({ ...result, error: errorName(e as Error & { code?: string }) });
    }
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => { result.timedOut = true; finish(); }, timeoutMs);
    const parser = mqttPacket.parser({ protocolVersion: version });
    parser.on('packet', (p) => {
      if (p.cmd !== 'connack') return;
      result.connackCode = (version === 5 ? p.reasonCode : p.returnCode) ?? 0;
      // A successful CONNACK is all we wait for; after a refusal we wait for the close [MQTT-3.2.2-5].
      if (result.connackCode === 0) finish();
    });
    parser.on('error', (e) => { result.error = `malformed reply: ${e.message}`; });
    socket.on('data', (d: Buffer) => parser.parse(d));
    socket.on('error', (e) => { result.error ??= errorName(e); });
    socket.on('close', () => { result.closed = true; finish(); });
    const send = () => socket.write(connect);
    socket.once('connect', () => { result.tcpConnected = true; });
    if (o.tls) {
      socket.once('secureConnect', () => {
        const t = socket as tls.TLSSocket;
        result.handshake = true;
        result.tlsProtocol = t.getProtocol() ?? undefined;
        result.cipher = t.getCipher()?.name;
        send();
      });
    } else socket.once('connect', send);
  });
}

/**
 * What a listener itself says about TLS (an external broker's profile): its trust anchor, the name to
 * verify and send as SNI (default: the host, unless an address), its ALPN protocols. Options the
 * caller passes win, e.g. another CA for the wrong-CA test.
 */
export function listenerTls(listener: Pick<ListenerInfo, 'host' | 'caFile' | 'serverName' | 'alpn'>): tls.ConnectionOptions {
  const servername = listener.serverName ?? (net.isIP(listener.host) ? undefined : listener.host);
  return {
    ...(servername ? { servername } : {}),
    ...(listener.caFile ? { ca: fs.readFileSync(listener.caFile) } : {}),
    ...(listener.alpn ? { ALPNProtocols: listener.alpn } : {}),
  };
}

/** Sends raw bytes, optionally half-closes, and reports whether the server closed within the timeout. */
export function sendRaw(listener: Pick<ListenerInfo, 'host' | 'port'>, bytes: Buffer, o: { halfClose?: boolean; timeoutMs?: number } = {}): Promise<{ closed: boolean; error?: string; replyBytes: number }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: listener.host, port: listener.port });
    let replyBytes = 0;
    let error: string | undefined;
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ closed, error, replyBytes });
    };
    const timer = setTimeout(() => finish(false), o.timeoutMs ?? 5000);
    socket.on('data', (d: Buffer) => { replyBytes += d.length; });
    socket.on('error', (e: Error & { code?: string }) => { error ??= e.code ?? e.message; });
    // 'end' = the server sent FIN; with allowHalfOpen false Node then closes our side too.
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.once('connect', () => {
      socket.write(bytes);
      if (o.halfClose) socket.end();
    });
  });
}

/** A real TLS ClientHello, captured from Node's TLS client talking to a throwaway local socket. */
export function captureClientHello(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((s) => {
      s.once('data', (d: Buffer) => {
        s.destroy();
        server.close();
        resolve(d);
      });
    });
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      const c = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false });
      c.on('error', () => {});
    });
  });
}
