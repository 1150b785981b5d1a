// MQTT 3.1.1 faults in retained messages and UNSUBSCRIBE, conditional the way real bugs are: only
// retained deliveries through a wildcard, only QoS 0 retained PUBLISH, only after a re-subscription,
// only UNSUBSCRIBEs with two filters, only filters the client never held.
import type { IPublishPacket, Packet } from 'mqtt-packet';
import { topicMatches } from '../policy/test-policy.ts';
import type { Fault } from './fault.ts';
import { filtersHeld, pub, trackFilters } from './fault-helpers.ts';

/** Topics whose retained message a client cleared with an empty retained PUBLISH (across connections). */
const cleared = new Set<string>();

export const RETAIN_311_FAULTS: readonly Fault[] = [
  {
    name: 'strip-retain-on-retained-delivery', statement: 'MQTT-3.3.1-8', catchers: ['retain.stored-with-qos'],
    description: 'clears RETAIN on retained messages sent because of a new subscription',
    fromServer: (f) => { const p = pub(f); return p?.retain ? { ...p, retain: false } : undefined; },
  },
  {
    name: 'set-retain-on-live-qos1', statement: 'MQTT-3.3.1-9', catchers: ['retain.forwarded-retain-0'],
    description: 'keeps RETAIN 1 when forwarding a retained QoS 1 PUBLISH to established subscriptions',
    fromClient: (f, c) => { const p = pub(f); if (p?.retain && p.qos === 1) for (const o of c.all()) o.state.set(`live:${p.topic}`, true); },
    fromServer: (f, c) => { const p = pub(f); return p && !p.retain && p.qos === 1 && c.state.get(`live:${p.topic}`) ? { ...p, retain: true } : undefined; },
  },
  {
    name: 'drop-retained-via-wildcard', statement: 'MQTT-3.3.1-6', catchers: ['retain.wildcard-subscription'],
    description: 'sends no retained messages to a new subscription whose filter has a wildcard',
    fromClient: (f, c) => { trackFilters(f, c); },
    fromServer: (f, c) => { const p = pub(f); return p?.retain && [...filtersHeld(c).keys()].some((x) => /[+#]/.test(x) && topicMatches(x, p.topic)) ? 'drop' : undefined; },
  },
  {
    name: 'retained-delivered-at-qos0', statement: 'MQTT-3.3.1-5', catchers: ['retain.stored-with-qos'],
    description: 'stores retained messages at QoS 0 (delivers them to new subscriptions at QoS 0, acknowledging the flow itself)',
    fromServer: (f, c) => {
      const p = pub(f);
      if (f.packet?.cmd === 'pubrel' && c.state.get(`own:${f.packet.messageId}`)) { c.toServer({ cmd: 'pubcomp', messageId: f.packet.messageId! }); return 'drop'; }
      if (!p?.retain || p.qos === 0) return undefined;
      c.toServer(p.qos === 1 ? { cmd: 'puback', messageId: p.messageId! } : { cmd: 'pubrec', messageId: p.messageId! });
      c.state.set(`own:${p.messageId}`, true);
      const { messageId: _id, ...rest } = p;
      return { ...rest, qos: 0 } as IPublishPacket;
    },
  },
  {
    name: 'qos0-retained-not-stored', statement: 'MQTT-3.3.1-7', catchers: ['retain.qos0-replaces'],
    description: 'forwards a retained QoS 0 PUBLISH but neither stores it nor lets it replace the retained message',
    fromClient: (f) => { const p = pub(f); return p?.retain && p.qos === 0 && p.payload.length ? { ...p, retain: false } : undefined; },
  },
  {
    name: 'keep-empty-retained', statement: 'MQTT-3.3.1-10', catchers: ['retain.empty-removes'],
    description: 'clears RETAIN on empty retained QoS 1 PUBLISH packets, so the retained message is never removed',
    fromClient: (f) => { const p = pub(f); return p?.retain && p.qos === 1 && p.payload.length === 0 ? { ...p, retain: false } : undefined; },
  },
  {
    name: 'store-empty-retained', statement: 'MQTT-3.3.1-11', catchers: ['retain.empty-removes'],
    description: 'stores a zero-byte retained message and sends it to new subscriptions',
    fromClient: (f, c) => {
      const p = pub(f);
      if (p?.retain && p.payload.length === 0) cleared.add(p.topic);
      if (f.packet?.cmd === 'subscribe') c.state.set('asked', f.packet.subscriptions.map((s) => s.topic).filter((t) => cleared.has(t)));
      return undefined;
    },
    fromServer: (f, c) => {
      if (f.packet?.cmd !== 'suback') return undefined;
      const topics = (c.state.get('asked') as string[] | undefined) ?? [];
      return [f.bytes, ...topics.map((topic) => ({ cmd: 'publish', topic, payload: Buffer.alloc(0), qos: 0, retain: true, dup: false }) as Packet)];
    },
  },
  {
    name: 'retain-qos1-publishes', statement: 'MQTT-3.3.1-12', catchers: ['retain.retain-0-not-stored'],
    description: 'stores QoS 1 PUBLISH packets with RETAIN 0 as retained messages',
    fromClient: (f) => { const p = pub(f); return p && !p.retain && p.qos === 1 && p.payload.length > 0 ? { ...p, retain: true } : undefined; },
  },
  {
    name: 'no-retained-on-resubscribe', statement: 'MQTT-3.8.4-3', catchers: ['retain.resubscribe-resends'],
    description: 'sends no retained messages when a client subscribes again to a filter it already holds',
    fromClient: (f, c) => {
      if (f.packet?.cmd === 'subscribe' && f.packet.subscriptions.some((s) => filtersHeld(c).has(s.topic))) c.state.set('again', true);
      trackFilters(f, c);
    },
    fromServer: (f, c) => (pub(f)?.retain && c.state.get('again') ? 'drop' : undefined),
  },
  {
    name: 'unsubscribe-first-filter-only', statement: 'MQTT-3.10.4-2', catchers: ['subscribe.unsubscribe-two-filters'],
    description: 'removes only the first filter of an UNSUBSCRIBE that names several',
    fromClient: (f) => (f.packet?.cmd === 'unsubscribe' && f.packet.unsubscriptions.length > 1 ? { ...f.packet, unsubscriptions: f.packet.unsubscriptions.slice(0, 1) } : undefined),
  },
  {
    name: 'unsubscribe-covering-filter', statement: 'MQTT-3.10.4-1', catchers: ['subscribe.unsubscribe-exact-match'],
    description: 'removes a held wildcard subscription when asked to unsubscribe a filter it covers',
    fromClient: (f, c) => {
      const p = f.packet;
      if (p?.cmd !== 'unsubscribe') { trackFilters(f, c); return undefined; }
      const held = [...filtersHeld(c).keys()];
      const mapped = p.unsubscriptions.map((u) => (held.includes(u) ? u : held.find((h) => !/[+#]/.test(u) && topicMatches(h, u)) ?? u));
      trackFilters({ ...f, packet: { ...p, unsubscriptions: mapped } }, c);
      return { ...p, unsubscriptions: mapped };
    },
  },
  {
    name: 'no-unsuback-for-two-filters', statement: 'MQTT-3.10.4-4', catchers: ['subscribe.unsubscribe-two-filters'],
    description: 'never answers an UNSUBSCRIBE that names two or more filters',
    fromClient: (f, c) => { if (f.packet?.cmd === 'unsubscribe' && f.packet.unsubscriptions.length > 1) c.state.set(`multi:${f.packet.messageId}`, true); },
    fromServer: (f, c) => (f.packet?.cmd === 'unsuback' && c.state.get(`multi:${f.packet.messageId}`) ? 'drop' : undefined),
  },
  {
    name: 'unsuback-per-filter', statement: 'MQTT-3.10.4-6', catchers: ['subscribe.unsubscribe-two-filters'],
    description: 'answers an UNSUBSCRIBE with one UNSUBACK per filter',
    fromClient: (f, c) => { if (f.packet?.cmd === 'unsubscribe') c.state.set(`n:${f.packet.messageId}`, f.packet.unsubscriptions.length); },
    fromServer: (f, c) => {
      if (f.packet?.cmd !== 'unsuback') return undefined;
      const n = (c.state.get(`n:${f.packet.messageId}`) as number | undefined) ?? 1;
      return Array.from({ length: Math.min(n, 8) }, () => f.bytes);
    },
  },
  {
    name: 'no-unsuback-for-unknown-filter', statement: 'MQTT-3.10.4-5', catchers: ['vector.acknowledgements.unsubscribe-unknown-filter'],
    description: 'never answers an UNSUBSCRIBE none of whose filters the client holds',
    fromClient: (f, c) => {
      const p = f.packet;
      if (p?.cmd === 'unsubscribe' && !p.unsubscriptions.some((u) => filtersHeld(c).has(u))) c.state.set(`unknown:${p.messageId}`, true);
      trackFilters(f, c);
    },
    fromServer: (f, c) => (f.packet?.cmd === 'unsuback' && c.state.get(`unknown:${f.packet.messageId}`) ? 'drop' : undefined),
  },
];
