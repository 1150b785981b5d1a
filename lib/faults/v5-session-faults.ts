// MQTT 5.0 faults in connection and session handling: Session Present wrong only in one case,
// Session Expiry changed only for short or absent intervals, CONNACK and DISCONNECT details, the
// Will only with one property, Receive Maximum off by one. Each names the one test that must catch
// it on an assertion.
import type { IConnackPacket, Packet } from 'mqtt-packet';
import { decodeFrame } from '../mqtt/frames.ts';
import type { ProxyConnection } from './fault.ts';
import { connack, connect, connectOf, rememberConnect, v5, without, withoutWillProperty, withProps, type V5Fault } from './v5-fault-kit.ts';

/** Client Identifiers the proxy has seen connect (for the fault that acts only on a known client). */
const knownClients = new Set<string>();

/** CONNACKs with an Assigned Client Identifier so far (the fault spoils every second). */
let assigned = 0;

const clean = (c: Parameters<typeof connectOf>[0]) => connectOf(c)?.clean === true;
const accepted = (p: IConnackPacket) => (p.reasonCode ?? 0) === 0;

const CONNACK_FAULTS: V5Fault[] = [
  {
    name: 'v5-session-present-without-session', statement: 'MQTT-3.1.2-6', catchers: ['v5.connack.clean-start-0-no-session'],
    description: 'answers Clean Start 0 with Session Present 1 when the client asks for no Session Expiry (0), whether or not a session existed',
    fromClient: (f, c) => rememberConnect(f, c),
    fromServer: (f, c) => {
      const p = connack(f, c);
      const req = connectOf(c);
      return p && accepted(p) && req && !req.clean && (req.properties?.sessionExpiryInterval ?? 0) === 0 ? { ...p, sessionPresent: true } : undefined;
    },
  },
  {
    name: 'v5-session-present-on-clean-start', statement: 'MQTT-3.2.2-2', catchers: ['v5.connack.clean-connect'],
    description: 'answers Clean Start 1 with Session Present 1, only when the CONNECT has no properties',
    fromClient: (f, c) => rememberConnect(f, c),
    fromServer: (f, c) => {
      const p = connack(f, c);
      return p && accepted(p) && clean(c) && !Object.keys(connectOf(c)?.properties ?? {}).length ? { ...p, sessionPresent: true } : undefined;
    },
  },
  {
    name: 'v5-connack-code-outside-table', statement: 'MQTT-3.2.2-8', catchers: ['v5.connack.clean-connect'],
    description: 'accepts a clean CONNECT without properties with CONNACK code 0x01 (no Connect Reason Code)',
    fromClient: (f, c) => rememberConnect(f, c),
    fromServer: (f, c) => {
      const p = connack(f, c);
      return p && accepted(p) && clean(c) && !Object.keys(connectOf(c)?.properties ?? {}).length ? { ...p, reasonCode: 0x01 } : undefined;
    },
  },
  {
    name: 'v5-pingresp-before-connack', statement: 'MQTT-3.2.0-1', catchers: ['v5.connack.clean-connect'],
    description: 'sends a PINGRESP before the CONNACK of a clean connection',
    fromClient: (f, c) => rememberConnect(f, c),
    fromServer: (f, c) => (connack(f, c) && clean(c) ? [{ cmd: 'pingresp' } as Packet, f.bytes] : undefined),
  },
  {
    name: 'v5-server-keep-alive-not-applied', statement: 'MQTT-3.2.2-22', catchers: ['v5.connack.server-keep-alive'],
    description: 'announces a Server Keep Alive of three times a short client Keep Alive (up to 5 s) but keeps using the client\'s',
    fromClient: (f, c) => rememberConnect(f, c),
    fromServer: (f, c) => {
      const p = connack(f, c);
      const ka = connectOf(c)?.keepalive ?? 0;
      return p && accepted(p) && ka > 0 && ka <= 5 && p.properties?.serverKeepAlive === undefined ? withProps(p, { serverKeepAlive: ka * 3 }) : undefined;
    },
  },
  {
    name: 'v5-second-assigned-id-missing', statement: 'MQTT-3.1.3-7', catchers: ['v5.connack.assigned-client-id'],
    description: 'leaves the Assigned Client Identifier out of every second CONNACK that should carry one',
    fromServer: (f, c) => {
      const p = connack(f, c);
      if (!p?.properties?.assignedClientIdentifier) return undefined;
      assigned += 1;
      return assigned % 2 === 0 ? without(p, 'assignedClientIdentifier') : undefined;
    },
  },
  {
    name: 'v5-takeover-without-session-present', statement: 'MQTT-4.1.0-1', catchers: ['v5.session-expiry.takeover-keeps-session'],
    description: 'answers Session Present 0 to a connection taking over a session that is still connected',
    fromServer: (f, c) => {
      const p = connack(f, c);
      return p?.sessionPresent && c.all().some((o) => o !== c && o.clientId === c.clientId) ? { ...p, sessionPresent: false } : undefined;
    },
  },
];

const EXPIRY_FAULTS: V5Fault[] = [
  {
    name: 'v5-absent-session-expiry-as-60', statement: 'MQTT-3.1.2-23', catchers: ['v5.session-expiry.absent-ends-at-disconnect'],
    description: 'keeps a Clean Start 1 session for 60 s when the CONNECT has no Session Expiry Interval (absent means 0)',
    fromClient: (f) => {
      const p = connect(f);
      return p?.clean && p.properties?.sessionExpiryInterval === undefined ? { ...p, properties: { ...p.properties, sessionExpiryInterval: 60 } } : undefined;
    },
  },
  {
    name: 'v5-ignore-zero-expiry-on-disconnect', statement: 'MQTT-4.1.0-2', catchers: ['v5.session-expiry.zero-on-disconnect'],
    description: 'ignores a Session Expiry Interval of 0 set on DISCONNECT (only 0: other values are applied)',
    fromClient: (f, c) => {
      const p = v5(c) && f.packet?.cmd === 'disconnect' ? f.packet : undefined;
      return p?.properties?.sessionExpiryInterval === 0 ? without(p, 'sessionExpiryInterval') : undefined;
    },
  },
  {
    name: 'v5-short-session-expiry-extended', statement: 'MQTT-3.2.2-3', catchers: ['v5.session-expiry.discarded-after'],
    description: 'keeps a session for 60 s when its Session Expiry Interval is 1 to 4 s',
    fromClient: (f) => {
      const p = connect(f);
      const e = p?.properties?.sessionExpiryInterval ?? 0;
      return p && e >= 1 && e <= 4 ? { ...p, properties: { ...p.properties, sessionExpiryInterval: 60 } } : undefined;
    },
  },
  {
    name: 'v5-clean-start-ignored-for-known-client', statement: 'MQTT-3.1.2-4', catchers: ['v5.session-expiry.clean-start-discards'],
    description: 'resumes the old session on Clean Start 1 when the Client Identifier connected before (only for known clients)',
    fromClient: (f) => {
      const p = connect(f);
      if (!p?.clientId) return undefined;
      const known = knownClients.has(p.clientId);
      knownClients.add(p.clientId);
      return known && p.clean ? { ...p, clean: false } : undefined;
    },
  },
  {
    name: 'v5-receive-maximum-off-by-one', statement: 'MQTT-3.3.4-9', catchers: ['v5.flow-control.client-receive-maximum-qos2'],
    description: 'counts the client\'s Receive Maximum one too high (sends one unacknowledged PUBLISH more than it allows)',
    fromClient: (f) => {
      const p = connect(f);
      const max = p?.properties?.receiveMaximum;
      return p && max !== undefined && max < 65535 ? { ...p, properties: { ...p.properties, receiveMaximum: max + 1 } } : undefined;
    },
  },
];

const PINGRESP = { cmd: 'pingresp' } as Packet;

/** A later connection of the proxy carries this connection's Client Identifier: the broker closed this one for it. */
const takenOver = (c: ProxyConnection): boolean => !!c.clientId && c.all().some((o) => o.id > c.id && o.clientId === c.clientId);

const DISCONNECT_0X05 = Buffer.from([0xe0, 0x01, 0x05]);

/** The client has sent nothing for 1.5 times its Keep Alive (MQTT-3.1.2-22): the broker closed it for that. */
function silentPastKeepAlive(c: ProxyConnection): boolean {
  const last = c.state.get('lastFromClientMs') as number | undefined;
  return !!c.keepaliveSec && last !== undefined && Date.now() - last >= c.keepaliveSec * 1500;
}

const DISCONNECT_FAULTS: V5Fault[] = [
  {
    // Mosquitto 2.0.11 closes a silent connection without DISCONNECT (which MQTT-3.1.2-22 allows), so
    // on such a close the fault also sends the DISCONNECT it rewrites: 0x05, raw (mqtt-packet would
    // refuse to encode a code outside the table).
    name: 'v5-keep-alive-disconnect-code-outside-table', statement: 'MQTT-3.14.2-1', catchers: ['v5.server-disconnect.keep-alive-timeout'],
    description: 'closes a silent connection with DISCONNECT 0x05 (no Disconnect Reason Code) instead of 0x8D',
    fromClient: (f, c) => { c.state.set('lastFromClientMs', Date.now()); },
    fromServer: (f, c) => {
      if (!v5(c) || f.packet?.cmd !== 'disconnect' || f.packet.reasonCode !== 0x8d) return undefined;
      c.state.set('sentKeepAliveDisconnect', true);
      return DISCONNECT_0X05;
    },
    serverClosed: (c) => {
      if (!v5(c) || c.sawDisconnect || c.state.get('sentKeepAliveDisconnect') || !silentPastKeepAlive(c)) return false;
      c.toClient(DISCONNECT_0X05);
      c.endClient();
      return true;
    },
  },
  {
    // Mosquitto 2.0.11 closes a taken-over connection without any DISCONNECT (MQTT-3.1.4-3 lets it), so
    // rewriting its DISCONNECT 0x8E alone would never act there: on such a close the fault sends the
    // DISCONNECT 0x8E a broker may send, then the PINGRESP, then closes.
    name: 'v5-packet-after-takeover-disconnect', statement: 'MQTT-3.14.4-1', catchers: ['v5.server-disconnect.session-taken-over'],
    description: 'sends a PINGRESP after the DISCONNECT 0x8E (Session taken over) before closing',
    fromServer: (f, c) => {
      if (!v5(c) || f.packet?.cmd !== 'disconnect' || f.packet.reasonCode !== 0x8e) return undefined;
      c.state.set('sentTakeoverDisconnect', true);
      return [f.bytes, PINGRESP];
    },
    serverClosed: (c) => {
      if (!v5(c) || c.sawDisconnect || c.state.get('sentTakeoverDisconnect') || !takenOver(c)) return false;
      c.toClient({ cmd: 'disconnect', reasonCode: 0x8e, properties: {} } as Packet);
      c.toClient(PINGRESP);
      c.endClient();
      return true;
    },
  },
  {
    name: 'v5-second-connect-acknowledged', statement: 'MQTT-3.2.0-2', catchers: ['v5.server-disconnect.second-connect'],
    description: 'answers a second CONNECT on a connection with another CONNACK (before the broker closes it)',
    fromClient: (f, c) => {
      if (!connect(f)) return undefined;
      if (c.state.get('connected')) c.toClient({ cmd: 'connack', sessionPresent: false, reasonCode: 0, properties: {} } as Packet);
      c.state.set('connected', true);
      return undefined;
    },
  },
  {
    name: 'v5-suback-before-connect', statement: 'MQTT-3.1.0-1', catchers: ['v5.server-disconnect.first-packet-not-connect'],
    description: 'answers a SUBSCRIBE sent before any CONNECT with a SUBACK (v5 layout) instead of closing silently',
    fromClient: (f, c) => {
      if (f.type === 1) c.state.set('connected', true);
      if (f.type !== 8 || c.state.get('connected')) return undefined;
      // Before any CONNECT the proxy decodes as 3.1.1, which a v5 SUBSCRIBE (with properties) is
      // not: decode this one in the v5 layout.
      const p = decodeFrame(f.bytes, 5).packet;
      if (p?.cmd !== 'subscribe') return undefined;
      c.protocolVersion = 5;
      c.toClient({ cmd: 'suback', messageId: p.messageId!, granted: p.subscriptions.map(() => 0), properties: {} } as Packet);
      return undefined;
    },
  },
];

const WILL_FAULTS: V5Fault[] = [
  {
    name: 'v5-will-on-normal-disconnect', statement: 'MQTT-3.14.4-3', catchers: ['v5.will.disconnect-with-will'],
    description: 'turns a client\'s DISCONNECT 0x00 into 0x04 (Disconnect with Will Message), only on connections with a Will',
    fromClient: (f, c) => {
      rememberConnect(f, c);
      const p = v5(c) && f.packet?.cmd === 'disconnect' ? f.packet : undefined;
      return p && (p.reasonCode ?? 0) === 0 && connectOf(c)?.will ? { ...p, reasonCode: 0x04 } : undefined;
    },
  },
  {
    name: 'v5-will-retain-cleared', statement: 'MQTT-3.1.2-15', catchers: ['v5.will.retained'],
    description: 'publishes a Will with Will Retain 1 as a non-retained message',
    fromClient: (f) => { const p = connect(f); return p?.will?.retain ? { ...p, will: { ...p.will, retain: false } } : undefined; },
  },
  {
    name: 'v5-will-content-type-dropped', statement: 'MQTT-3.1.3-10', catchers: ['v5.will.delay-interval'],
    description: 'drops the Content Type of a Will (only that Will Property)',
    fromClient: (f) => withoutWillProperty(connect(f), 'contentType'),
  },
  {
    name: 'v5-will-retain-set', statement: 'MQTT-3.1.2-14', catchers: ['v5.will.delay-interval'],
    description: 'publishes a Will with Will Retain 0 as a retained message (only Wills with a Will Delay Interval)',
    fromClient: (f) => { const p = connect(f); return p?.will && !p.will.retain && p.will.properties?.willDelayInterval ? { ...p, will: { ...p.will, retain: true } } : undefined; },
  },
  {
    name: 'v5-refuse-23-char-client-id', statement: 'MQTT-3.1.3-5', catchers: ['v5.delivery.client-id-23-chars'],
    description: 'refuses a Client Identifier of exactly 23 characters with CONNACK 0x85',
    fromServer: (f, c) => { const p = connack(f, c); return p && accepted(p) && c.clientId?.length === 23 ? { ...p, reasonCode: 0x85 } : undefined; },
  },
];

export const V5_SESSION_FAULTS: readonly V5Fault[] = [...CONNACK_FAULTS, ...EXPIRY_FAULTS, ...DISCONNECT_FAULTS, ...WILL_FAULTS];
