// The one listener-URL builder: every target and driver describes a listener through these, so the
// scheme, the host a TLS client must name and the "missing" reasons are written in one place.
import type { ListenerInfo, ListenerName } from './broker.ts';
import { LISTENER_NAMES } from './broker.ts';

/** The standard listeners that speak TLS. */
export function isTlsListener(name: ListenerName): boolean {
  return name === 'tls' || name === 'mtls';
}

/** mqtt://host:port or mqtts://host:port. */
export function listenerUrl(l: { tls: boolean; host: string; port: number }): string {
  return `${l.tls ? 'mqtts' : 'mqtt'}://${l.host}:${l.port}`;
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
  return { name, host, port, tls, url: listenerUrl({ tls, host, port }), ...(credentials ? { credentials } : {}) };
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
