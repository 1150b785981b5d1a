// The one place that turns a ListenerInfo into a byte stream: TCP (mqtt), TLS (mqtts), WebSocket (ws)
// and WebSocket over TLS (wss). Over WebSocket every write is one binary frame and the client offers
// the "mqtt" subprotocol (MQTT-6.0.0-1, MQTT-6.0.0-3); the raw client, the MQTT.js wrapper and the
// suites' own connection attempts all open their connections here.
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import WebSocket, { createWebSocketStream } from 'ws';
import type { ListenerInfo, Transport } from '../core/broker.ts';

/** The subprotocol a WebSocket MQTT client offers and the server must select (MQTT-6.0.0-3/-4). */
export const MQTT_WEBSOCKET_SUBPROTOCOL = 'mqtt';

export type StreamListener = Pick<ListenerInfo, 'host' | 'port' | 'tls' | 'transport' | 'path' | 'caFile' | 'serverName' | 'alpn'>;

export interface ListenerStreamOptions {
  /** TLS options (ca, cert, key, passphrase, minVersion, ...) for mqtts/wss; they win over the listener's own. */
  tls?: tls.ConnectionOptions;
  /** WebSocket subprotocols to offer (default ["mqtt"]); a test of MQTT-6.0.0-4 may offer others. */
  subprotocols?: string[];
}

/** The listener's transport: its own field, else the URL scheme its `tls` flag implies. */
export function transportOf(l: Pick<ListenerInfo, 'tls' | 'transport'>): Transport {
  return l.transport ?? (l.tls ? 'mqtts' : 'mqtt');
}

export function isWebSocket(l: Pick<ListenerInfo, 'tls' | 'transport'>): boolean {
  const t = transportOf(l);
  return t === 'ws' || t === 'wss';
}

/** TLS options a listener asks for (its CA, the name to verify and send as SNI, ALPN), then the caller's. */
export function listenerTlsOptions(l: StreamListener, extra: tls.ConnectionOptions = {}): tls.ConnectionOptions {
  const servername = l.serverName ?? (net.isIP(l.host) ? undefined : l.host);
  return {
    ...(l.caFile ? { ca: fs.readFileSync(l.caFile) } : {}),
    ...(servername ? { servername } : {}),
    ...(l.alpn ? { ALPNProtocols: l.alpn } : {}),
    ...extra,
  };
}

/** ws://host:port/path or wss://…; the path defaults to /mqtt. */
export function webSocketUrl(l: StreamListener): string {
  return `${transportOf(l)}://${l.host}:${l.port}${l.path ?? '/mqtt'}`;
}

/**
 * A WebSocket to a ws/wss listener, not yet open (wait for 'open' or use openWebSocket). For tests
 * that look at frames and the handshake themselves; everything else uses listenerStream.
 */
export function webSocketTo(l: StreamListener, o: ListenerStreamOptions = {}): WebSocket {
  const secure = transportOf(l) === 'wss';
  return new WebSocket(webSocketUrl(l), o.subprotocols ?? [MQTT_WEBSOCKET_SUBPROTOCOL], {
    perMessageDeflate: false,
    ...(secure ? listenerTlsOptions(l, o.tls) : {}),
  });
}

/** Resolves once the WebSocket handshake is done; rejects on an error, a refusal or the deadline. */
export function openWebSocket(l: StreamListener, o: ListenerStreamOptions = {}, timeoutMs = 5000): Promise<WebSocket> {
  const ws = webSocketTo(l, o);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { ws.terminate(); reject(new Error(`WebSocket handshake with ${webSocketUrl(l)} timed out after ${timeoutMs} ms`)); }, timeoutMs);
    ws.once('open', () => { clearTimeout(timer); resolve(ws); });
    ws.once('error', (e) => { clearTimeout(timer); ws.terminate(); reject(e); });
    ws.once('unexpected-response', (_req, res) => { clearTimeout(timer); ws.terminate(); reject(new Error(`WebSocket handshake with ${webSocketUrl(l)} refused: HTTP ${res.statusCode}`)); });
  });
}

/**
 * A duplex byte stream to the listener, returned at once (writes before the connection is up are
 * buffered). Over WebSocket each write becomes one binary frame.
 */
export function listenerStream(l: StreamListener, o: ListenerStreamOptions = {}): Duplex {
  switch (transportOf(l)) {
    case 'mqtt': {
      const socket = net.connect({ host: l.host, port: l.port });
      socket.setNoDelay(true);
      return socket;
    }
    case 'mqtts':
      return tls.connect({ host: l.host, port: l.port, ...listenerTlsOptions(l, o.tls) });
    case 'ws':
    case 'wss': {
      const ws = webSocketTo(l, o);
      const stream = webSocketStream(ws);
      // A handshake refusal surfaces as an error on the stream.
      ws.once('unexpected-response', (_req, res) => stream.destroy(new Error(`WebSocket handshake with ${webSocketUrl(l)} refused: HTTP ${res.statusCode}`)));
      return stream;
    }
  }
}

/** ws's stream ends but never closes when the peer closes; a closed connection is a 'close' like TCP's. */
function webSocketStream(ws: WebSocket): Duplex {
  const stream = createWebSocketStream(ws);
  ws.once('close', () => stream.destroy());
  return stream;
}

/** The event that says a stream from listenerStream is connected and ready for MQTT. */
function readyEvent(l: StreamListener): string {
  switch (transportOf(l)) {
    case 'mqtt': return 'connect';
    case 'mqtts': return 'secureConnect';
    default: return 'open';
  }
}

/** listenerStream, resolved once the connection (and TLS / WebSocket handshake) is up. */
export function openListenerStream(l: StreamListener, o: ListenerStreamOptions = {}, timeoutMs = 5000): Promise<Duplex> {
  if (isWebSocket(l)) {
    return openWebSocket(l, o, timeoutMs).then(webSocketStream);
  }
  const stream = listenerStream(l, o);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { stream.destroy(); reject(new Error(`connect to ${l.host}:${l.port} timed out after ${timeoutMs} ms`)); }, timeoutMs);
    stream.once(readyEvent(l), () => { clearTimeout(timer); resolve(stream); });
    stream.once('error', (e) => { clearTimeout(timer); stream.destroy(); reject(e); });
  });
}
