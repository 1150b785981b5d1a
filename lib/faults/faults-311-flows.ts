// MQTT 3.1.1 faults in the PUBLISH flows (QoS 1/2 handshakes, DUP, ordering, redelivery) and in
// SUBACK contents: the first catalogue's faults that were already specific to one flow.
import type { IPublishPacket, ISubackPacket } from 'mqtt-packet';
import type { Fault } from './fault.ts';
import { counter, FAKE_ID_BASE, pub } from './fault-helpers.ts';

export const FLOW_311_FAULTS: readonly Fault[] = [
  {
    name: 'deliver-qos2-twice',
    description: 'delivers every QoS 2 PUBLISH to the subscriber a second time under another packet id (the proxy completes that extra flow itself)',
    statement: 'MQTT-4.3.3-1', catchers: ['publish.qos2-to-subscriber'],
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
    name: 'reorder-publishes',
    description: 'swaps each pair of consecutive PUBLISH packets to a client',
    statement: 'MQTT-4.6.0-6', catchers: ['publish.order'],
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
    statement: 'MQTT-3.8.4-5', catchers: ['subscribe.suback-per-filter'],
    fromServer: (f) => {
      const p = f.packet;
      if (p?.cmd !== 'suback') return undefined;
      return { ...p, granted: p.granted.map((g) => (typeof g === 'number' && g < 0x80 ? 2 : g)) } as ISubackPacket;
    },
  },
  {
    name: 'forward-dollar-topics-to-wildcards',
    description: 'copies messages published to $-topics to every client holding a filter that starts with a wildcard',
    statement: 'MQTT-4.7.2-1', catchers: ['subscribe.dollar-topics'],
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
    statement: 'MQTT-3.8.4-6', catchers: ['publish.min-qos'],
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
    name: 'drop-pingresp',
    description: 'never delivers PINGRESP',
    statement: 'MQTT-3.12.4-1', catchers: ['vector.acknowledgements.pingreq'],
    fromServer: (f) => (f.type === 13 ? 'drop' : undefined),
  },
  {
    name: 'reverse-suback-codes',
    description: 'returns SUBACK return codes in reverse order',
    statement: 'MQTT-3.9.3-1', catchers: ['subscribe.suback-per-filter'],
    fromServer: (f) => (f.packet?.cmd === 'suback' ? ({ ...f.packet, granted: [...f.packet.granted].reverse() } as ISubackPacket) : undefined),
  },
  {
    name: 'no-dup-on-redelivery',
    description: 'clears DUP on re-delivered PUBLISH packets',
    statement: 'MQTT-3.3.1-1', catchers: ['publish.redeliver-on-reconnect'],
    fromServer: (f) => { const p = pub(f); return p?.dup ? { ...p, dup: false } : undefined; },
  },
  {
    name: 'duplicate-inbound-qos2',
    description: 'forwards a re-sent (DUP) QoS 2 PUBLISH under a fresh packet id (answering it with PUBREC itself), so the broker delivers it twice',
    statement: 'MQTT-4.3.3-2', catchers: ['publish.qos2-from-publisher'],
    fromClient: (f, c) => {
      const p = f.packet;
      if (p?.cmd === 'publish' && p.qos === 2 && p.dup) {
        const fresh = FAKE_ID_BASE + (counter(c, 'fresh') % 5000);
        c.state.set(`orig:${p.messageId}`, fresh);
        // The broker never sees the original id again, so the PUBREC the publisher waits for comes from here.
        c.toClient({ cmd: 'pubrec', messageId: p.messageId! });
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
    name: 'strip-bom',
    description: 'strips U+FEFF from topic names the client publishes to',
    statement: 'MQTT-1.5.3-3', catchers: ['publish.topic-matched-as-sent'],
    fromClient: (f) => { const p = pub(f); return p?.topic.includes('\uFEFF') ? { ...p, topic: p.topic.replace(/\uFEFF/g, '') } : undefined; },
  },
  {
    name: 'pubrel-bad-flags',
    description: 'sends PUBREL with fixed-header flags 0000 instead of 0010',
    statement: 'MQTT-2.2.2-1', catchers: ['publish.qos2-to-subscriber'],
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
    statement: 'MQTT-3.3.1-2', catchers: ['publish.dup-not-propagated'],
    fromServer: (f) => {
      if (!pub(f) || ((f.flags >> 1) & 3) !== 0) return undefined;
      const b = Buffer.from(f.bytes);
      b[0] = b[0]! | 0x08;
      return b;
    },
  },
  {
    name: 'redeliver-with-new-id',
    description: 're-delivers unacknowledged messages under a different packet id',
    statement: 'MQTT-4.4.0-1', catchers: ['publish.redeliver-on-reconnect'],
    fromServer: (f) => { const p = pub(f); return p?.dup && p.messageId ? { ...p, messageId: (p.messageId % 65535) + 1 } : undefined; },
  },
];
