// The one listener-URL builder: every target and driver describes a listener through these, so the
// scheme, the host a TLS client must name and the "missing" reasons are written in one place.
import type { ListenerInfo, ListenerName, Transport } from './broker.ts';
import { LISTENER_NAMES } from './broker.ts';

/** The listeners that speak TLS. */
export function isTlsListener(name: ListenerName): boolean {
  return name === 'tls' || name === 'mtls' || name === 'tls-auth' || name === 'tls-expired' || name === 'wss';
}

/** The WebSocket path a managed broker serves MQTT on (what most brokers and clients default to). */
export const DEFAULT_WEBSOCKET_PATH = '/mqtt';

/** How a listener of this name carries MQTT. */
export function transportFor(name: ListenerName): Transport {
  if (name === 'ws' || name === 'wss') return name;
  return isTlsListener(name) ? 'mqtts' : 'mqtt';
}

/** mqtt://host:port, mqtts://host:port, or ws(s)://host:port/path for a WebSocket transport. */
export function listenerUrl(l: { tls: boolean; host: string; port: number; transport?: Transport; path?: string }): string {
  const scheme = l.transport ?? (l.tls ? 'mqtts' : 'mqtt');
  const ws = scheme === 'ws' || scheme === 'wss';
  return `${scheme}://${l.host}:${l.port}${ws ? (l.path ?? DEFAULT_WEBSOCKET_PATH) : ''}`;
}

/**
 * A standard listener bound on `host`. TLS listeners are addressed as `localhost`, the name the
 * per-run server certificate carries, whatever address the broker binds or the engine maps.
 */
export function listenerInfo(
  name: ListenerName,
  host: string,
  port: number,
  credentials?: { username: string; password: string },
): ListenerInfo {
  const tls = isTlsListener(name);
  return tlsAware(name, tls, tls ? 'localhost' : host, port, credentials);
}

/** An extra TLS listener beyond the standard four (e.g. `tls-bad-expired`), addressed as `localhost`. */
export function extraTlsListenerInfo(name: string, port: number): ListenerInfo {
  // ListenerInfo.name is typed for the standard four; extra listeners are keyed by their own name
  // in StartedBroker.extraListeners and carry it here only for display.
  return tlsAware(name as ListenerName, true, 'localhost', port);
}

function tlsAware(name: ListenerName, tls: boolean, host: string, port: number, credentials?: { username: string; password: string }): ListenerInfo {
  const transport = transportFor(name);
  const ws = transport === 'ws' || transport === 'wss' ? { transport, path: DEFAULT_WEBSOCKET_PATH } : {};
  return { name, host, port, tls, url: listenerUrl({ tls, host, port, ...ws }), ...ws, ...(credentials ? { credentials } : {}) };
}

/**
 * StartedBroker.missingListeners: every standard listener not in `open`, with its reason — one text
 * for all, or one per listener where the reasons differ.
 */
export function missingListeners(
  open: readonly ListenerName[],
  reason: string | ((name: ListenerName) => string),
): Partial<Record<ListenerName, string>> {
  const why = typeof reason === 'string' ? () => reason : reason;
  return Object.fromEntries(LISTENER_NAMES.filter((n) => !open.includes(n)).map((n) => [n, why(n)]));
}
