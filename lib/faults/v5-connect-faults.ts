// MQTT 5.0 faults in the connection's start and end: refusals that leave the connection open (each
// only on its own error path, as a missed `close()` in one branch would), a Session Present set on a
// refusal, Authentication Method handling, a DISCONNECT before any CONNACK, and the v5 twins of the
// 3.1.1 faults that accept a second CONNECT or a DISCONNECT with reserved flags.
import type { IConnackPacket } from 'mqtt-packet';
import type { Frame } from '../mqtt/frames.ts';
import type { ProxyConnection } from './fault.ts';
import { body } from './fault-helpers.ts';
import { MALFORMED_311_FAULTS } from './faults-311-malformed.ts';
import { SESSION_311_FAULTS } from './faults-311-session.ts';
import { connack, connect, connectOf, rememberConnect, twinOf, without, withProps, type V5Fault } from './v5-fault-kit.ts';

/** The CONNECT's protocol level, read from the raw bytes (mqtt-packet rejects unknown levels). */
function connectLevel(f: Frame): number | undefined {
  if (f.type !== 1) return undefined;
  const b = body(f);
  return b.length > 2 ? b[2 + b.readUInt16BE(0)] : undefined;
}

/**
 * The broker refuses the CONNECT (and closes its side) but, on this one error path, the connection to
 * the client stays open: `when` sees the refusing CONNACK's code (undefined: none was sent) and the connection.
 */
function staysOpenAfterRefusal(name: string, statement: string, catchers: string[], description: string, when: (code: number | undefined, c: ProxyConnection) => boolean): V5Fault {
  return {
    name, statement, catchers, description,
    fromClient: (f, c) => {
      rememberConnect(f, c);
      const level = connectLevel(f);
      if (level !== undefined) c.state.set('level', level);
    },
    fromServer: (f, c) => {
      if (f.type !== 2) return;
      // A 3.1.1-layout CONNACK (2 bytes of body) carries its code in byte 4; a v5 one decodes.
      const code = f.packet?.cmd === 'connack' ? (f.packet.reasonCode ?? f.packet.returnCode ?? 0) : f.bytes[3];
      c.state.set('connackCode', code);
    },
    serverClosed: (c) => {
      const code = c.state.get('connackCode') as number | undefined;
      return c.state.has('level') && (code === undefined || code !== 0) && when(code, c);
    },
  };
}

const SUPPORTED_LEVELS = new Set([3, 4, 5]);

export const V5_CONNECT_FAULTS: readonly V5Fault[] = [
  staysOpenAfterRefusal('v5-open-after-unsupported-version', 'MQTT-3.1.2-2', ['v5.connack.unsupported-protocol-version'],
    'refuses a CONNECT with an unsupported protocol level but does not close the connection',
    (_code, c) => !SUPPORTED_LEVELS.has(c.state.get('level') as number)),
  staysOpenAfterRefusal('v5-open-after-refusal-connack', 'MQTT-3.2.2-7', ['v5.auth.unsupported-method'],
    'sends a v5 CONNACK with a reason code of 0x80 or more and then leaves the connection open',
    (code, c) => c.state.get('level') === 5 && code !== undefined && code >= 0x80),
  staysOpenAfterRefusal('v5-open-after-failed-auth-check', 'MQTT-3.1.4-2', ['v5.auth.unsupported-method'],
    'leaves the connection open when the authentication check (a CONNECT with an Authentication Method) fails',
    (_code, c) => connectOf(c)?.properties?.authenticationMethod !== undefined),
  {
    name: 'v5-session-present-on-refusal', statement: 'MQTT-3.2.2-6', catchers: ['v5.auth.unsupported-method'],
    description: 'sets Session Present 1 in a CONNACK that refuses the connection, when the CONNECT named an Authentication Method',
    fromClient: (f, c) => rememberConnect(f, c),
    fromServer: (f, c) => {
      const p = connack(f, c);
      return p && (p.reasonCode ?? 0) >= 0x80 && connectOf(c)?.properties?.authenticationMethod !== undefined ? ({ ...p, sessionPresent: true } as IConnackPacket) : undefined;
    },
  },
  {
    name: 'v5-ignore-authentication-method', statement: 'MQTT-4.12.0-1', catchers: ['v5.auth.unsupported-method'],
    description: 'drops an Authentication Method it does not support from the CONNECT and accepts the connection',
    fromClient: (f) => without(connect(f), 'authenticationMethod'),
  },
  {
    name: 'v5-auth-method-in-connack-unasked', statement: 'MQTT-4.12.0-6', catchers: ['v5.auth.none-without-method'],
    description: 'names its default Authentication Method in the CONNACK to a client whose CONNECT named none',
    fromClient: (f, c) => rememberConnect(f, c),
    fromServer: (f, c) => {
      const p = connack(f, c);
      return p && (p.reasonCode ?? 0) === 0 && connectOf(c)?.properties?.authenticationMethod === undefined ? withProps(p, { authenticationMethod: 'SCRAM-SHA-1' }) : undefined;
    },
  },
  {
    // Observable only on a connection that never sent CONNECT, so it cannot wait for a v5 one.
    name: 'v5-disconnect-before-connack', statement: 'MQTT-3.14.0-1', catchers: ['v5.server-disconnect.first-packet-not-connect'],
    description: 'sends DISCONNECT 0x82 (Protocol Error) before closing a connection whose first packet was not CONNECT',
    fromClient: (f, c) => { if (!c.state.has('first')) c.state.set('first', f.type); },
    serverClosed: (c) => {
      if (c.state.get('first') === 1 || !c.state.has('first')) return false;
      c.toClient(Buffer.from([0xe0, 0x01, 0x82]));
      c.endClient();
      return true;
    },
  },
  twinOf(SESSION_311_FAULTS, 'accept-second-connect', 'MQTT-3.1.0-2', ['v5.server-disconnect.second-connect']),
  twinOf(MALFORMED_311_FAULTS, 'accept-disconnect-header-flags', 'MQTT-3.14.1-1', ['v5.server-disconnect.reserved-flags']),
];
