// What the MQTT 5.0 faults (lib/faults/v5-*.ts) share: typed views of a frame on a v5 connection,
// property surgery, per-connection counters, and the type a v5 fault file declares (the proxy
// fills in `protocol: '5'` when the files are composed in v5-faults.ts).
import type { IConnackPacket, IConnectPacket, IPublishPacket, ISubscribePacket, Packet } from 'mqtt-packet';
import type { Frame } from '../mqtt/frames.ts';
import type { Fault, ProxyConnection } from './fault.ts';
import { body, type Defect } from './fault-helpers.ts';

/** A v5 fault as its file declares it (protocol added on composition). */
export type V5Fault = Omit<Fault, 'protocol'>;

export const v5 = (c: ProxyConnection): boolean => c.protocolVersion === 5;
export const pub = (f: Frame, c: ProxyConnection): IPublishPacket | undefined => (v5(c) && f.packet?.cmd === 'publish' ? f.packet : undefined);
export const sub = (f: Frame, c: ProxyConnection): ISubscribePacket | undefined => (v5(c) && f.packet?.cmd === 'subscribe' ? f.packet : undefined);
export const connect = (f: Frame): IConnectPacket | undefined => (f.packet?.cmd === 'connect' && f.packet.protocolVersion === 5 ? f.packet : undefined);
export const connack = (f: Frame, c: ProxyConnection): IConnackPacket | undefined => (v5(c) && f.packet?.cmd === 'connack' ? f.packet : undefined);

/** The packet of a v5 frame when it has the given type. */
export function ofType<C extends Packet['cmd']>(f: Frame, c: ProxyConnection, cmd: C): Extract<Packet, { cmd: C }> | undefined {
  return v5(c) && f.packet?.cmd === cmd ? (f.packet as Extract<Packet, { cmd: C }>) : undefined;
}

/** Counts calls per connection and key (1, 2, 3, ...): "every Nth" faults. */
export function count(c: ProxyConnection, key: string): number {
  const n = ((c.state.get(key) as number | undefined) ?? 0) + 1;
  c.state.set(key, n);
  return n;
}

/** Removes one property from a packet (undefined when it was absent). */
export function without<P extends Packet & { properties?: object }>(p: P | undefined, key: string): P | undefined {
  if (!p?.properties || !(key in p.properties)) return undefined;
  const properties = { ...p.properties } as Record<string, unknown>;
  delete properties[key];
  return { ...p, properties } as P;
}

/** Removes one Will Property from a CONNECT (undefined when it had no Will or no such property). */
export function withoutWillProperty(p: IConnectPacket | undefined, key: string): IConnectPacket | undefined {
  const props = p?.will?.properties as Record<string, unknown> | undefined;
  if (!p?.will || !props || props[key] === undefined) return undefined;
  const properties = { ...props };
  delete properties[key];
  return { ...p, will: { ...p.will, properties } } as IConnectPacket;
}

/** The packet with some properties added or replaced. */
export function withProps<P extends Packet>(p: P, props: Record<string, unknown>): P {
  return { ...p, properties: { ...(p as { properties?: object }).properties, ...props } } as P;
}

/** Rewrites the options of every subscription in a v5 SUBSCRIBE. */
export function rewriteSubscriptions(f: Frame, c: ProxyConnection, change: (s: ISubscribePacket['subscriptions'][number]) => ISubscribePacket['subscriptions'][number]): Packet | undefined {
  const p = sub(f, c);
  return p ? { ...p, subscriptions: p.subscriptions.map(change) } : undefined;
}

/** Remembers what the client's CONNECT said (for faults that act only under a condition it sets). */
export function rememberConnect(f: Frame, c: ProxyConnection): void {
  const p = connect(f);
  if (p) c.state.set('connect', p);
}

export const connectOf = (c: ProxyConnection): IConnectPacket | undefined => c.state.get('connect') as IConnectPacket | undefined;

/** The share groups ($share/{group}/...) a connection subscribed to, recorded from its SUBSCRIBEs. */
export function rememberShares(f: Frame, c: ProxyConnection): void {
  const p = sub(f, c);
  if (!p) return;
  const groups = sharesOf(c);
  for (const s of p.subscriptions) if (s.topic.startsWith('$share/')) groups.add(s.topic.split('/')[1]!);
  c.state.set('shares', groups);
}

export const sharesOf = (c: ProxyConnection): Set<string> => (c.state.get('shares') as Set<string> | undefined) ?? new Set<string>();

/** The frame belongs to an MQTT 5 connection, or is a CONNECT asking for level 5 (decodable or not). */
export function onV5(f: Frame, c: ProxyConnection): boolean {
  if (f.type !== 1) return c.protocolVersion === 5;
  const b = body(f);
  return b.length > 2 && b[2 + b.readUInt16BE(0)] === 5;
}

/**
 * The 3.1.1 fault `name` of `faults` on v5 connections only (and only when `alsoWhen` holds): the same
 * bug, caught by the v5 runs of the shared tests (`catchers`) and counted against the statement's v5
 * number (`statement`). Hooks that are not per-frame (closes, dispose) act on v5 connections only.
 */
export function twinOf(faults: readonly Fault[], name: string, statement: string, catchers: string[], alsoWhen: Defect = () => true): V5Fault {
  const of = faults.find((f) => f.name === name);
  if (!of) throw new Error(`no 3.1.1 fault ${name} to twin`);
  const { fromClient, fromServer, clientClosed, serverClosed } = of;
  const { protocol: _none, ...rest } = of;
  return {
    ...rest, name: `v5-${name}`, statement, catchers,
    ...(fromClient ? { fromClient: (f: Frame, c: ProxyConnection) => (onV5(f, c) && alsoWhen(f, c) ? fromClient(f, c) : undefined) } : {}),
    ...(fromServer ? { fromServer: (f: Frame, c: ProxyConnection) => (v5(c) && alsoWhen(f, c) ? fromServer(f, c) : undefined) } : {}),
    ...(clientClosed ? { clientClosed: (c: ProxyConnection) => (v5(c) ? clientClosed(c) : false) } : {}),
    ...(serverClosed ? { serverClosed: (c: ProxyConnection) => (v5(c) ? serverClosed(c) : false) } : {}),
  };
}
