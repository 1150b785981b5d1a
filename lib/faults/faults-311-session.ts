// MQTT 3.1.1 faults in CONNECT/CONNACK, sessions and Wills, conditional the way real bugs are: only
// clean sessions, only on resume, only after a dropped connection, only 23-character client ids,
// only the first CONNECT after start, only Wills with Retain set.
import type { IConnackPacket, IConnectPacket, Packet } from 'mqtt-packet';
import type { Frame } from '../mqtt/frames.ts';
import type { Fault, ProxyConnection } from './fault.ts';
import { counter, pub } from './fault-helpers.ts';

const connect = (f: Frame): IConnectPacket | undefined => (f.packet?.cmd === 'connect' ? f.packet : undefined);
const connack = (f: Frame): IConnackPacket | undefined => (f.packet?.cmd === 'connack' ? f.packet : undefined);
const code = (p: IConnackPacket) => p.returnCode ?? p.reasonCode ?? 0;
const refused = (f: Frame) => { const p = connack(f); return p !== undefined && code(p) !== 0; };
/** Marks the connection when its CONNECT asked for a clean session (for CONNACK rewrites). */
const noteClean = (f: Frame, c: ProxyConnection) => { const p = connect(f); if (p) c.state.set('clean', p.clean !== false); };

/** Client ids whose last connection ended without DISCONNECT, and ids seen with CleanSession 0 (across connections). */
const droppedIds = new Set<string>();
const persistentIds = new Set<string>();
let connectsSinceStart = 0;

export const SESSION_311_FAULTS: readonly Fault[] = [
  {
    name: 'session-present-on-clean', statement: 'MQTT-3.2.2-1', catchers: ['connect.plain-accepted'],
    description: 'sets Session Present in CONNACKs to CleanSession 1 connections',
    fromClient: noteClean,
    fromServer: (f, c) => { const p = connack(f); return p && code(p) === 0 && c.state.get('clean') ? { ...p, sessionPresent: true } : undefined; },
  },
  {
    name: 'no-session-present-on-resume', statement: 'MQTT-3.2.2-2', catchers: ['arrangements.session.persistent.exact.disconnect.subscribed-1'],
    description: 'clears Session Present when a stored session is resumed',
    fromServer: (f) => { const p = connack(f); return p?.sessionPresent ? { ...p, sessionPresent: false } : undefined; },
  },
  {
    name: 'session-present-for-new-session', statement: 'MQTT-3.2.2-3', catchers: ['connect.persistent-session-queues'],
    description: 'sets Session Present on the first CleanSession 0 connection of a client id (no session was stored)',
    fromClient: (f, c) => {
      const p = connect(f);
      if (p?.clean !== false) return;
      c.state.set('first', !persistentIds.has(p.clientId));
      persistentIds.add(p.clientId);
    },
    fromServer: (f, c) => { const p = connack(f); return p && code(p) === 0 && c.state.get('first') ? { ...p, sessionPresent: true } : undefined; },
  },
  {
    name: 'session-present-on-refusal', statement: 'MQTT-3.2.2-4', catchers: ['vector.connect.protocol-level-7'],
    description: 'sets Session Present in CONNACKs that refuse the connection',
    fromServer: (f) => (refused(f) ? { ...connack(f)!, sessionPresent: true } : undefined),
  },
  {
    name: 'keep-open-after-refusal', statement: 'MQTT-3.2.2-5', catchers: ['vector.connect.protocol-level-7'],
    description: 'keeps the network connection open after a CONNACK that refuses it',
    fromServer: (f, c) => { if (refused(f)) c.state.set('refused', true); },
    serverClosed: (c) => c.state.get('refused') === true,
  },
  {
    name: 'forget-session-after-drop', statement: 'MQTT-3.1.2-4', catchers: ['arrangements.session.persistent.exact.drop.subscribed-1'],
    description: 'discards the stored session of a client whose previous connection dropped (no DISCONNECT), when it comes back',
    fromClient: (f) => {
      const p = connect(f);
      if (!p || p.clean !== false || !droppedIds.has(p.clientId)) return undefined;
      droppedIds.delete(p.clientId);
      return { ...p, clean: true } satisfies Packet;
    },
    clientClosed: (c) => { if (!c.sawDisconnect && c.clientId) droppedIds.add(c.clientId); },
  },
  {
    name: 'keep-clean-session', statement: 'MQTT-3.1.2-6', catchers: ['arrangements.session.clean.exact.disconnect'],
    description: 'keeps the session of a CleanSession 1 connection with a client id of its own after the connection ends (treats it as CleanSession 0)',
    fromClient: (f) => { const p = connect(f); return p && p.clean !== false && p.clientId !== '' ? { ...p, clean: false } : undefined; },
  },
  {
    name: 'lose-queued-qos1-on-resume', statement: 'MQTT-3.1.2-5', catchers: ['connect.persistent-session-queues'],
    description: 'drops the QoS 1 messages a broker sends right after resuming a stored session (Session Present 1)',
    fromServer: (f, c) => {
      const p = connack(f);
      if (p?.sessionPresent) c.state.set('resumedAt', Date.now());
      const at = c.state.get('resumedAt') as number | undefined;
      return pub(f)?.qos === 1 && at && Date.now() - at < 1000 ? 'drop' : undefined;
    },
  },
  {
    name: 'lose-queued-qos2-on-resume', statement: 'MQTT-4.5.0-1', catchers: ['arrangements.session.persistent.exact.disconnect.subscribed-2'],
    description: 'drops the QoS 2 messages queued for a disconnected session when it resumes',
    fromServer: (f, c) => {
      if (connack(f)?.sessionPresent) c.state.set('resumed', true);
      if (f.packet?.cmd === 'pubrel' && c.state.get(`own:${f.packet.messageId}`)) { c.toServer({ cmd: 'pubcomp', messageId: f.packet.messageId! }); return 'drop'; }
      const p = pub(f);
      if (!p || p.qos !== 2 || !c.state.get('resumed')) return undefined;
      c.toServer({ cmd: 'pubrec', messageId: p.messageId! });
      c.state.set(`own:${p.messageId}`, true);
      return 'drop';
    },
  },
  {
    name: 'will-retain-ignored', statement: 'MQTT-3.1.2-17', catchers: ['will.retained'],
    description: 'publishes a Will with Will Retain 1 as a non-retained message',
    fromClient: (f) => { const p = connect(f); return p?.will?.retain ? { ...p, will: { ...p.will, retain: false } } : undefined; },
  },
  {
    name: 'will-always-retained', statement: 'MQTT-3.1.2-16', catchers: ['will.published-on-drop'],
    description: 'publishes every Will as a retained message, also with Will Retain 0',
    fromClient: (f) => { const p = connect(f); return p?.will && !p.will.retain ? { ...p, will: { ...p.will, retain: true } } : undefined; },
  },
  {
    name: 'will-qos-ignored', statement: 'MQTT-3.1.2-9', catchers: ['will.published-on-drop'],
    description: 'publishes a Will with Will QoS 1 at QoS 0',
    fromClient: (f) => { const p = connect(f); return p?.will?.qos === 1 ? { ...p, will: { ...p.will, qos: 0 } } : undefined; },
  },
  {
    name: 'default-will-for-clients-without-one', statement: 'MQTT-3.1.2-12', catchers: ['will.no-will-flag'],
    description: 'publishes an "offline" message for a client without a Will whose connection drops (a configured default Will)',
    fromClient: (f, c) => { const p = pub(f); if (p) c.state.set('lastTopic', p.topic); if (connect(f) && !connect(f)!.will) c.state.set('noWill', true); },
    clientClosed: (c) => {
      const topic = c.state.get('lastTopic') as string | undefined;
      if (c.sawDisconnect || !c.state.get('noWill') || !topic) return false;
      c.toServer({ cmd: 'publish', topic: `${topic}/status`, payload: Buffer.from('offline'), qos: 0, retain: false, dup: false });
      c.endServer();
      return true;
    },
  },
  {
    name: 'refuse-23-char-client-id', statement: 'MQTT-3.1.3-5', catchers: ['vector.connect.client-id-23-chars'],
    description: 'refuses client ids of exactly 23 characters with CONNACK 0x02 (a limit off by one)',
    fromClient: (f, c) => {
      if (connect(f)?.clientId.length !== 23) return undefined;
      c.toClient({ cmd: 'connack', returnCode: 2, sessionPresent: false });
      c.closeClient();
      return 'drop';
    },
  },
  {
    name: 'accept-empty-client-id-persistent', statement: 'MQTT-3.1.3-9', catchers: ['vector.connect.empty-client-id-persistent'],
    description: 'accepts a zero-length client id with CleanSession 0 (as a clean session)',
    fromClient: (f) => { const p = connect(f); return p && p.clientId === '' && p.clean === false ? { ...p, clean: true } : undefined; },
  },
  {
    name: 'empty-client-ids-collide', statement: 'MQTT-3.1.3-6', catchers: ['connect.empty-client-id-clean'],
    description: 'assigns the same client id to every client that connects with a zero-length one',
    fromClient: (f) => { const p = connect(f); return p && p.clientId === '' ? { ...p, clientId: 'assigned-empty' } : undefined; },
  },
  {
    name: 'pingresp-before-connack', statement: 'MQTT-3.2.0-1', catchers: ['connect.plain-accepted'],
    description: 'sends a PINGRESP before the CONNACK that accepts a connection',
    fromServer: (f) => { const p = connack(f); return p && code(p) === 0 ? [{ cmd: 'pingresp' }, f.bytes] : undefined; },
  },
  {
    name: 'cold-start-unavailable', statement: 'MQTT-3.1.4-4', catchers: ['connect.plain-accepted'],
    description: 'answers the first CONNECT after start with CONNACK 0x03 (server unavailable) although it accepted it',
    fromClient: (f) => { if (connect(f)) connectsSinceStart++; },
    fromServer: (f) => { const p = connack(f); return p && code(p) === 0 && connectsSinceStart === 1 && !p.sessionPresent ? { ...p, returnCode: 3 } : undefined; },
  },
  {
    name: 'takeover-keeps-old-connection', statement: 'MQTT-3.1.4-2', catchers: ['connect.takeover'],
    description: 'does not close the old connection to the client when a second client with the same id takes over',
    serverClosed: (c) => !c.sawDisconnect && c.all().some((o) => o !== c && o.clientId === c.clientId),
  },
  {
    name: 'connack-wrong-code-on-refusal', statement: 'MQTT-3.1.3-8', catchers: ['vector.connect.empty-client-id-persistent'],
    description: 'answers every refused CONNECT with return code 5 (not authorized) instead of the right one',
    fromServer: (f) => (refused(f) ? { ...connack(f)!, returnCode: 5 } : undefined),
  },
  {
    name: 'accept-second-connect', statement: 'MQTT-3.1.0-2', catchers: ['vector.connect.second-connect'],
    description: 'swallows a second CONNECT on a connection instead of letting the broker close it',
    fromClient: (f, c) => (f.type === 1 && counter(c, 'connects') > 1 ? 'drop' : undefined),
  },
  {
    name: 'forward-will-on-disconnect', statement: 'MQTT-3.14.4-3', catchers: ['will.none-after-disconnect'],
    description: 'turns a clean DISCONNECT into a dropped connection, so the broker publishes the Will',
    fromClient: (f, c) => {
      if (f.type !== 14) return undefined;
      c.closeServer();
      return 'drop';
    },
  },
  {
    name: 'drop-will-on-abnormal-close', statement: 'MQTT-3.1.2-8', catchers: ['will.published-on-drop'],
    description: 'sends DISCONNECT for a client whose connection failed, so the broker discards the Will',
    clientClosed: (c) => {
      if (c.sawDisconnect) return false;
      c.toServer({ cmd: 'disconnect' });
      c.endServer();
      return true;
    },
  },
  {
    name: 'answer-keepalive-itself', statement: 'MQTT-3.1.2-24', catchers: ['connect.keep-alive'],
    description: 'keeps idle clients alive by sending PINGREQ to the broker on their behalf',
    fromClient: (f, c) => {
      if (f.packet?.cmd !== 'connect' || !f.packet.keepalive) return undefined;
      const timer = setInterval(() => { counter(c, 'pings'); c.toServer({ cmd: 'pingreq' }); }, f.packet.keepalive * 400);
      c.state.set('timer', timer);
      return undefined;
    },
    fromServer: (f, c) => {
      if (f.type !== 13 || !((c.state.get('pings') as number | undefined) ?? 0)) return undefined;
      c.state.set('pings', (c.state.get('pings') as number) - 1);
      return 'drop';
    },
    dispose: (c) => clearInterval(c.state.get('timer') as NodeJS.Timeout | undefined),
  },
  {
    name: 'accept-any-protocol-level', statement: 'MQTT-3.1.2-2', catchers: ['vector.connect.protocol-level-7'],
    description: 'rewrites an unsupported CONNECT protocol level to 4, so the broker accepts it',
    fromClient: (f) => {
      if (f.type !== 1) return undefined;
      const at = f.bytes.indexOf('MQTT', 0, 'latin1') + 4;
      if (at < 4 || f.bytes.length <= at || [3, 4, 5].includes(f.bytes[at]!)) return undefined;
      const b = Buffer.from(f.bytes);
      b[at] = 4;
      return b;
    },
  },
];
