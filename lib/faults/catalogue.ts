// The named faults `--fault <name>` can inject. Each one breaks exactly one promise the
// specification makes, in the way a buggy broker would, and names the statements whose tests must
// notice. test/mutation-faults.test.ts proves that they do.
import type { IConnackPacket, IPublishPacket, ISubackPacket, Packet } from 'mqtt-packet';
import type { Frame } from '../mqtt/frames.ts';
import type { Fault, ProxyConnection } from './fault.ts';
import { V5_FAULTS } from './v5-faults.ts';

const pub = (f: Frame): IPublishPacket | undefined => (f.packet?.cmd === 'publish' ? f.packet : undefined);

function counter(c: ProxyConnection, key: string): number {
  const n = ((c.state.get(key) as number | undefined) ?? 0) + 1;
  c.state.set(key, n);
  return n;
}

/** Remaining Length size of a frame (bytes after the first). */
function headerLength(bytes: Buffer): number {
  let i = 1;
  while (i < 5 && (bytes[i]! & 0x80) !== 0) i++;
  return i + 1;
}

/** Correct fixed-header flags per packet type for 3.1.1/5 (PUBLISH has its own flags). */
const REQUIRED_FLAGS: Record<number, number> = { 1: 0, 2: 0, 4: 0, 5: 0, 6: 2, 7: 0, 8: 2, 9: 0, 10: 2, 11: 0, 12: 0, 13: 0, 14: 0 };

const FAKE_ID_BASE = 60_000;

export const FAULTS: readonly Fault[] = [
  {
    name: 'drop-every-second-publish',
    description: 'drops every second PUBLISH the broker sends to a client',
    statement: 'MQTT-4.6.0-6', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-4.6.0-6'],
    fromServer: (f, c) => (pub(f) && counter(c, 'n') % 2 === 0 ? 'drop' : undefined),
  },
  {
    name: 'deliver-qos2-twice',
    description: 'delivers every QoS 2 PUBLISH to the subscriber a second time under another packet id (the proxy completes that extra flow itself)',
    statement: 'MQTT-4.3.3-1', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-4.3.3-1'],
    fromServer: (f, c) => {
      const p = pub(f);
      if (!p || p.qos !== 2 || p.dup) return undefined;
      const fake = FAKE_ID_BASE + (counter(c, 'fake') % 5000);
      return [f.bytes, { ...p, messageId: fake }];
    },
    fromClient: (f, c) => {
      const p = f.packet;
      if ((p?.cmd === 'pubrec' || p?.cmd === 'pubcomp') && (p.messageId ?? 0) >= FAKE_ID_BASE) {
        if (p.cmd === 'pubrec') c.toClient({ cmd: 'pubrel', messageId: p.messageId! });
        return 'drop';
      }
      return undefined;
    },
  },
  {
    name: 'strip-retain-on-retained-delivery',
    description: 'clears RETAIN on retained messages sent because of a new subscription',
    statement: 'MQTT-3.3.1-8', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.3.1-8'],
    fromServer: (f) => { const p = pub(f); return p?.retain ? { ...p, retain: false } : undefined; },
  },
  {
    name: 'set-retain-on-live-delivery',
    description: 'sets RETAIN on messages forwarded to established subscriptions',
    statement: 'MQTT-3.3.1-9', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.3.1-9'],
    fromServer: (f) => { const p = pub(f); return p && !p.retain ? { ...p, retain: true } : undefined; },
  },
  {
    name: 'flip-session-present',
    description: 'inverts Session Present in accepting CONNACKs',
    statement: 'MQTT-3.2.2-1', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.2.2-1', 'MQTT-3.2.2-2'],
    fromServer: (f) => {
      const p = f.packet;
      if (p?.cmd !== 'connack' || (p.returnCode ?? p.reasonCode ?? 0) !== 0) return undefined;
      return { ...p, sessionPresent: !p.sessionPresent } satisfies IConnackPacket;
    },
  },
  {
    name: 'wrong-connack-code',
    description: 'answers every refused CONNECT with return code 5 (not authorized) instead of the right one',
    statement: 'MQTT-3.1.3-8', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.1.3-8', 'MQTT-3.1.2-2'],
    fromServer: (f) => {
      if (f.type !== 2 || f.bytes.length < 4 || f.bytes[3] === 0) return undefined;
      const b = Buffer.from(f.bytes);
      b[3] = 5;
      return b;
    },
  },
  {
    name: 'accept-second-connect',
    description: 'swallows a second CONNECT on a connection instead of letting the broker close it',
    statement: 'MQTT-3.1.0-2', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.1.0-2'],
    fromClient: (f, c) => {
      if (f.type !== 1) return undefined;
      return counter(c, 'connects') > 1 ? 'drop' : undefined;
    },
  },
  {
    name: 'swallow-unsubscribe',
    description: 'answers UNSUBSCRIBE with UNSUBACK itself and never tells the broker',
    statement: 'MQTT-3.10.4-2', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.10.4-2'],
    fromClient: (f, c) => {
      if (f.packet?.cmd !== 'unsubscribe') return undefined;
      c.toClient({ cmd: 'unsuback', messageId: f.packet.messageId!, granted: [] } as Packet);
      return 'drop';
    },
  },
  {
    name: 'reorder-publishes',
    description: 'swaps each pair of consecutive PUBLISH packets to a client',
    statement: 'MQTT-4.6.0-6', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-4.6.0-6'],
    fromServer: (f, c) => {
      if (!pub(f)) return undefined;
      const held = c.state.get('held') as { bytes: Buffer; timer: NodeJS.Timeout } | undefined;
      if (held) {
        clearTimeout(held.timer);
        c.state.delete('held');
        return [f.bytes, held.bytes];
      }
      // A lone PUBLISH is released after a short while so single deliveries still arrive.
      const timer = setTimeout(() => { c.state.delete('held'); c.toClient(f.bytes); }, 150);
      c.state.set('held', { bytes: f.bytes, timer });
      return 'drop';
    },
    dispose: (c) => clearTimeout((c.state.get('held') as { timer: NodeJS.Timeout } | undefined)?.timer),
  },
  {
    name: 'grant-higher-qos',
    description: 'rewrites every successful SUBACK return code to QoS 2, more than was asked',
    statement: 'MQTT-3.8.4-5', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.8.4-5'],
    fromServer: (f) => {
      const p = f.packet;
      if (p?.cmd !== 'suback') return undefined;
      return { ...p, granted: p.granted.map((g) => (typeof g === 'number' && g < 0x80 ? 2 : g)) } as ISubackPacket;
    },
  },
  {
    name: 'forward-will-on-disconnect',
    description: 'turns a clean DISCONNECT into a dropped connection, so the broker publishes the Will',
    statement: 'MQTT-3.14.4-3', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.14.4-3'],
    fromClient: (f, c) => {
      if (f.type !== 14) return undefined;
      c.closeServer();
      return 'drop';
    },
  },
  {
    name: 'drop-will-on-abnormal-close',
    description: 'sends DISCONNECT for a client whose connection failed, so the broker discards the Will',
    statement: 'MQTT-3.1.2-8', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.1.2-8'],
    clientClosed: (c) => {
      if (c.sawDisconnect) return false;
      c.toServer({ cmd: 'disconnect' });
      c.endServer();
      return true;
    },
  },
  {
    name: 'answer-keepalive-itself',
    description: 'keeps idle clients alive by sending PINGREQ to the broker on their behalf',
    statement: 'MQTT-3.1.2-24', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.1.2-24'],
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
    name: 'accept-malformed-flags',
    description: 'repairs reserved fixed-header flags of client packets, so the broker never sees (and never closes on) them',
    statement: 'MQTT-3.6.1-1', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.6.1-1', 'MQTT-3.8.1-1', 'MQTT-3.10.1-1', 'MQTT-3.14.1-1'],
    fromClient: (f) => {
      const want = REQUIRED_FLAGS[f.type];
      if (want === undefined || f.flags === want) return undefined;
      const b = Buffer.from(f.bytes);
      b[0] = (f.type << 4) | want;
      return b;
    },
  },
  {
    name: 'forward-dollar-topics-to-wildcards',
    description: 'copies messages published to $-topics to every client holding a filter that starts with a wildcard',
    statement: 'MQTT-4.7.2-1', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-4.7.2-1'],
    fromClient: (f, c) => {
      const p = f.packet;
      if (p?.cmd === 'subscribe' && p.subscriptions.some((s) => /^[#+]/.test(s.topic))) c.state.set('wildcard', true);
      const m = pub(f);
      if (m?.topic.startsWith('$')) {
        for (const other of c.all()) if (other.state.get('wildcard')) other.toClient({ cmd: 'publish', topic: m.topic, payload: m.payload, qos: 0, retain: false, dup: false });
      }
      return undefined;
    },
  },
  {
    name: 'deliver-at-qos0',
    description: 'acknowledges QoS 1/2 deliveries to the broker itself and hands them to the client as QoS 0',
    statement: 'MQTT-3.8.4-6', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.8.4-6'],
    fromServer: (f, c) => {
      const p = pub(f);
      if (p && p.qos > 0) {
        c.toServer(p.qos === 1 ? { cmd: 'puback', messageId: p.messageId! } : { cmd: 'pubrec', messageId: p.messageId! });
        const { messageId: _id, ...rest } = p;
        return { ...rest, qos: 0, dup: false } as IPublishPacket;
      }
      if (f.packet?.cmd === 'pubrel') {
        c.toServer({ cmd: 'pubcomp', messageId: f.packet.messageId! });
        return 'drop';
      }
      return undefined;
    },
  },
  {
    name: 'puback-wrong-id',
    description: 'acknowledges QoS 1 PUBLISH with PUBACK carrying another packet id',
    statement: 'MQTT-2.3.1-6', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-2.3.1-6'],
    fromServer: (f) => (f.packet?.cmd === 'puback' ? { ...f.packet, messageId: (f.packet.messageId! % 65535) + 1 } : undefined),
  },
  {
    name: 'suback-wrong-id',
    description: 'answers SUBSCRIBE with a SUBACK carrying another packet id',
    statement: 'MQTT-3.8.4-2', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.8.4-2'],
    fromServer: (f) => (f.packet?.cmd === 'suback' ? { ...f.packet, messageId: (f.packet.messageId! % 65535) + 1 } : undefined),
  },
  {
    name: 'drop-unsuback',
    description: 'never delivers UNSUBACK',
    statement: 'MQTT-3.10.4-4', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.10.4-4'],
    fromServer: (f) => (f.type === 11 ? 'drop' : undefined),
  },
  {
    name: 'drop-pingresp',
    description: 'never delivers PINGRESP',
    statement: 'MQTT-3.12.4-1', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.12.4-1'],
    fromServer: (f) => (f.type === 13 ? 'drop' : undefined),
  },
  {
    name: 'reverse-suback-codes',
    description: 'returns SUBACK return codes in reverse order',
    statement: 'MQTT-3.9.3-1', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.9.3-1'],
    fromServer: (f) => (f.packet?.cmd === 'suback' ? ({ ...f.packet, granted: [...f.packet.granted].reverse() } as ISubackPacket) : undefined),
  },
  {
    name: 'propagate-dup',
    description: 'sets DUP on every QoS>0 PUBLISH sent to subscribers (as if copying the incoming DUP)',
    statement: 'MQTT-3.3.1-3', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.3.1-3'],
    fromServer: (f) => { const p = pub(f); return p && p.qos > 0 && !p.dup ? { ...p, dup: true } : undefined; },
  },
  {
    name: 'no-dup-on-redelivery',
    description: 'clears DUP on re-delivered PUBLISH packets',
    statement: 'MQTT-3.3.1-1', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.3.1-1'],
    fromServer: (f) => { const p = pub(f); return p?.dup ? { ...p, dup: false } : undefined; },
  },
  {
    name: 'lose-queued-messages',
    description: 'drops the messages a broker sends right after resuming a stored session (Session Present 1)',
    statement: 'MQTT-3.1.2-5', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.1.2-5'],
    fromServer: (f, c) => {
      const p = f.packet;
      if (p?.cmd === 'connack' && p.sessionPresent) c.state.set('resumedAt', Date.now());
      const at = c.state.get('resumedAt') as number | undefined;
      return pub(f) && at && Date.now() - at < 1000 ? 'drop' : undefined;
    },
  },
  {
    name: 'duplicate-inbound-qos2',
    description: 'forwards a re-sent (DUP) QoS 2 PUBLISH under a fresh packet id, so the broker delivers it twice',
    statement: 'MQTT-4.3.3-2', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-4.3.3-2'],
    fromClient: (f, c) => {
      const p = f.packet;
      if (p?.cmd === 'publish' && p.qos === 2 && p.dup) {
        const fresh = FAKE_ID_BASE + (counter(c, 'fresh') % 5000);
        c.state.set(`orig:${p.messageId}`, fresh);
        return { ...p, messageId: fresh, dup: false };
      }
      if (p?.cmd === 'pubrel') {
        const fresh = c.state.get(`orig:${p.messageId}`) as number | undefined;
        if (fresh) return [f.bytes, { cmd: 'pubrel', messageId: fresh }];
      }
      return undefined;
    },
    fromServer: (f) => {
      const p = f.packet;
      if ((p?.cmd === 'pubrec' || p?.cmd === 'pubcomp') && (p.messageId ?? 0) >= FAKE_ID_BASE) return 'drop';
      return undefined;
    },
  },
  {
    name: 'accept-any-protocol-level',
    description: 'rewrites an unsupported CONNECT protocol level to 4, so the broker accepts it',
    statement: 'MQTT-3.1.2-2', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.1.2-2', 'MQTT-3.1.4-5'],
    fromClient: (f) => {
      if (f.type !== 1) return undefined;
      const at = headerLength(f.bytes) + 6;
      if (f.bytes.length <= at || [3, 4, 5].includes(f.bytes[at]!)) return undefined;
      const b = Buffer.from(f.bytes);
      b[at] = 4;
      return b;
    },
  },
  {
    name: 'keep-closed-clients-open',
    description: 'never passes a broker-side close on to the client',
    statement: 'MQTT-3.1.4-2', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.1.4-2', 'MQTT-3.2.2-5', 'MQTT-3.3.1-4'],
    serverClosed: () => true,
  },
  {
    name: 'rewrite-delivered-topic',
    description: 'delivers messages under a topic name that does not match the subscription',
    statement: 'MQTT-3.3.2-3', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.3.2-3'],
    fromServer: (f) => { const p = pub(f); return p ? { ...p, topic: `${p.topic}/x` } : undefined; },
  },
  {
    name: 'strip-bom',
    description: 'strips U+FEFF from topic names the client publishes to',
    statement: 'MQTT-1.5.3-3', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-1.5.3-3'],
    fromClient: (f) => { const p = pub(f); return p?.topic.includes('\uFEFF') ? { ...p, topic: p.topic.replace(/\uFEFF/g, '') } : undefined; },
  },
  {
    name: 'pubrel-bad-flags',
    description: 'sends PUBREL with fixed-header flags 0000 instead of 0010',
    statement: 'MQTT-2.2.2-1', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-2.2.2-1'],
    fromServer: (f) => {
      if (f.type !== 6) return undefined;
      const b = Buffer.from(f.bytes);
      b[0] = 0x60;
      return b;
    },
  },
  {
    name: 'qos0-with-dup',
    description: 'sets DUP on QoS 0 PUBLISH packets sent to subscribers',
    statement: 'MQTT-3.3.1-2', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.3.1-2'],
    fromServer: (f) => {
      if (!pub(f) || ((f.flags >> 1) & 3) !== 0) return undefined;
      const b = Buffer.from(f.bytes);
      b[0] = b[0]! | 0x08;
      return b;
    },
  },
  {
    name: 'drop-retained-on-subscribe',
    description: 'drops retained messages sent because of a new subscription',
    statement: 'MQTT-3.3.1-6', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.3.1-6'],
    fromServer: (f) => (pub(f)?.retain ? 'drop' : undefined),
  },
  {
    name: 'keep-empty-retained',
    description: 'clears RETAIN on empty retained PUBLISH packets, so the retained message is never removed',
    statement: 'MQTT-3.3.1-10', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.3.1-10'],
    fromClient: (f) => { const p = pub(f); return p?.retain && p.payload.length === 0 ? { ...p, retain: false } : undefined; },
  },
  {
    name: 'retain-everything',
    description: 'sets RETAIN on every PUBLISH a client sends',
    statement: 'MQTT-3.3.1-12', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.3.1-12'],
    fromClient: (f) => { const p = pub(f); return p && !p.retain && p.payload.length > 0 ? { ...p, retain: true } : undefined; },
  },
  {
    name: 'redeliver-with-new-id',
    description: 're-delivers unacknowledged messages under a different packet id',
    statement: 'MQTT-4.4.0-1', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-4.4.0-1'],
    fromServer: (f) => { const p = pub(f); return p?.dup && p.messageId ? { ...p, messageId: (p.messageId % 65535) + 1 } : undefined; },
  },
  // MQTT 5.0 faults (lib/faults/v5-faults.ts).
  ...V5_FAULTS,
];

export function findFault(name: string): Fault | undefined {
  return FAULTS.find((f) => f.name === name);
}

export const FAULT_NAMES: readonly string[] = FAULTS.map((f) => f.name);

