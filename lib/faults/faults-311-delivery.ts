// MQTT 3.1.1 faults in deliveries and acknowledgements, most of them partial the way real broker bugs
// are: only QoS 2, only the tenth message, only deliveries matched through a wildcard, only ids whose
// bytes differ, only retained messages, only payloads over 1 KiB.
import type { IPublishPacket, ISubackPacket, Packet } from 'mqtt-packet';
import { topicMatches } from '../policy/test-policy.ts';
import type { Fault } from './fault.ts';
import { byteSwapped, counter, filtersHeld, pub, trackFilters } from './fault-helpers.ts';

/** Matching filters the client holds for a topic. */
const matching = (c: Parameters<NonNullable<Fault['fromServer']>>[1], topic: string) => [...filtersHeld(c)].filter(([f]) => topicMatches(f, topic));
const viaWildcardOnly = (c: Parameters<NonNullable<Fault['fromServer']>>[1], topic: string) => {
  const m = matching(c, topic);
  return m.length > 0 && m.every(([f]) => /[+#]/.test(f));
};

/** Acknowledges a QoS > 0 delivery to the broker on the client's behalf and hands it on at QoS 0. */
function asQos0(p: IPublishPacket, c: Parameters<NonNullable<Fault['fromServer']>>[1]): IPublishPacket {
  c.toServer(p.qos === 1 ? { cmd: 'puback', messageId: p.messageId! } : { cmd: 'pubrec', messageId: p.messageId! });
  c.state.set(`own:${p.messageId}`, true);
  const { messageId: _id, ...rest } = p;
  return { ...rest, qos: 0, dup: false } as IPublishPacket;
}
/** Completes the PUBREL of a flow asQos0 took over. */
const ownPubrel = (p: Packet | undefined, c: Parameters<NonNullable<Fault['fromServer']>>[1]) => {
  if (p?.cmd !== 'pubrel' || !c.state.get(`own:${p.messageId}`)) return false;
  c.toServer({ cmd: 'pubcomp', messageId: p.messageId! });
  return true;
};

export const DELIVERY_311_FAULTS: readonly Fault[] = [
  {
    name: 'drop-every-tenth-publish', statement: 'MQTT-4.6.0-5', catchers: ['publish.order'],
    description: 'loses every tenth PUBLISH the broker sends to a client (a ring buffer that overwrites)',
    fromServer: (f, c) => (pub(f) && counter(c, 'n') % 10 === 0 ? 'drop' : undefined),
  },
  {
    name: 'puback-id-byte-swapped', statement: 'MQTT-2.3.1-6', catchers: ['vector.acknowledgements.publish-qos1-puback'],
    description: 'writes the PUBACK packet id little-endian (only ids whose two bytes differ come out wrong)',
    fromServer: (f) => (f.packet?.cmd === 'puback' ? { ...f.packet, messageId: byteSwapped(f.packet.messageId!) } : undefined),
  },
  {
    name: 'suback-id-low-byte', statement: 'MQTT-3.8.4-2', catchers: ['vector.acknowledgements.subscribe-suback'],
    description: 'answers SUBSCRIBE with a SUBACK that keeps only the low byte of the packet id (ids above 255 go wrong)',
    fromServer: (f) => (f.packet?.cmd === 'suback' ? { ...f.packet, messageId: f.packet.messageId! & 0xff } : undefined),
  },
  {
    name: 'unsuback-id-byte-swapped', statement: 'MQTT-2.3.1-7', catchers: ['vector.acknowledgements.unsubscribe-unknown-filter'],
    description: 'writes the UNSUBACK packet id little-endian',
    fromServer: (f) => (f.packet?.cmd === 'unsuback' ? { ...f.packet, messageId: byteSwapped(f.packet.messageId!) } : undefined),
  },
  {
    name: 'no-suback-for-high-ids', statement: 'MQTT-3.8.4-1', catchers: ['vector.acknowledgements.subscribe-suback'],
    description: 'never answers a SUBSCRIBE whose packet id is 4096 or more (a 12-bit pending table)',
    fromServer: (f) => (f.packet?.cmd === 'suback' && f.packet.messageId! >= 4096 ? 'drop' : undefined),
  },
  {
    name: 'suback-code-3-for-qos1', statement: 'MQTT-3.9.3-2', catchers: ['subscribe.suback-per-filter'],
    description: 'returns the reserved SUBACK code 0x03 where it granted QoS 1',
    fromServer: (f) => (f.packet?.cmd === 'suback' ? ({ ...f.packet, granted: f.packet.granted.map((g) => (g === 1 ? 3 : g)) } as ISubackPacket) : undefined),
  },
  {
    name: 'pubrec-as-puback', statement: 'MQTT-3.3.4-1', catchers: ['vector.acknowledgements.publish-qos2-flow'],
    description: 'answers a QoS 2 PUBLISH with PUBACK instead of PUBREC',
    fromServer: (f) => (f.packet?.cmd === 'pubrec' ? { cmd: 'puback', messageId: f.packet.messageId! } : undefined),
  },
  {
    name: 'reuse-inflight-qos1-id', statement: 'MQTT-2.3.1-4', catchers: ['publish.qos1-to-subscriber'],
    description: 'gives a second QoS 1 delivery the packet id of one still unacknowledged',
    fromServer: (f, c) => {
      const p = pub(f);
      if (!p || p.qos !== 1) return undefined;
      const open = c.state.get('open') as number | undefined;
      if (open === undefined) { c.state.set('open', p.messageId); return undefined; }
      return { ...p, messageId: open };
    },
    fromClient: (f, c) => { if (f.packet?.cmd === 'puback' && f.packet.messageId === c.state.get('open')) c.state.delete('open'); },
  },
  {
    name: 'propagate-incoming-dup', statement: 'MQTT-3.3.1-3', catchers: ['publish.dup-not-propagated'],
    description: 'copies DUP from an incoming PUBLISH (DUP 1) to the deliveries of that message',
    fromClient: (f, c) => { const p = pub(f); if (p?.dup) for (const o of c.all()) o.state.set(`dup:${p.topic}`, true); },
    fromServer: (f, c) => { const p = pub(f); return p && p.qos > 0 && !p.dup && c.state.get(`dup:${p.topic}`) ? { ...p, dup: true } : undefined; },
  },
  {
    name: 'qos0-twice', statement: 'MQTT-4.3.1-1', catchers: ['publish.dup-not-propagated'],
    description: 'delivers QoS 0 messages to a QoS 0 subscription twice',
    fromServer: (f) => (pub(f) && ((f.flags >> 1) & 3) === 0 ? [f.bytes, f.bytes] : undefined),
  },
  {
    name: 'qos0-with-packet-id', statement: 'MQTT-2.3.1-5', catchers: ['publish.dup-not-propagated'],
    description: 'writes a packet identifier into QoS 0 deliveries',
    fromServer: (f) => {
      const p = pub(f);
      if (!p || p.qos !== 0 || !p.payload.length) return undefined;
      return { ...p, payload: Buffer.concat([Buffer.from([0, 1]), Buffer.from(p.payload)]) };
    },
  },
  {
    name: 'rewrite-wildcard-delivered-topic', statement: 'MQTT-3.3.2-3', catchers: ['subscribe.wildcards'],
    description: 'delivers messages matched only through a wildcard filter under the filter instead of the topic name',
    fromClient: (f, c) => { trackFilters(f, c); },
    fromServer: (f, c) => {
      const p = pub(f);
      if (!p || !viaWildcardOnly(c, p.topic)) return undefined;
      return { ...p, topic: matching(c, p.topic)[0]![0].replace(/[+#]/g, 'w') };
    },
  },
  {
    name: 'refuse-leading-plus', statement: 'MQTT-3.8.3-2', catchers: ['subscribe.wildcards'],
    description: "refuses (SUBACK 0x80) filters whose first level is '+', while granting the other wildcard filters",
    fromClient: (f, c) => { if (f.packet?.cmd === 'subscribe') c.state.set(`sub:${f.packet.messageId}`, f.packet.subscriptions.map((s) => s.topic)); },
    fromServer: (f, c) => {
      const p = f.packet;
      if (p?.cmd !== 'suback') return undefined;
      const topics = c.state.get(`sub:${p.messageId}`) as string[] | undefined;
      return { ...p, granted: p.granted.map((g, i) => (topics?.[i]?.startsWith('+') ? 0x80 : g)) } as ISubackPacket;
    },
  },
  {
    name: 'wildcard-qos1-as-qos0', statement: 'MQTT-4.3.2-1', catchers: ['arrangements.qos.subscribed-1.plus'],
    description: 'delivers QoS 1 messages matched only through a wildcard at QoS 0 (acknowledging them itself)',
    fromClient: (f, c) => { trackFilters(f, c); },
    fromServer: (f, c) => { const p = pub(f); return p?.qos === 1 && viaWildcardOnly(c, p.topic) ? asQos0(p, c) : undefined; },
  },
  {
    name: 'overlap-lowest-qos', statement: 'MQTT-3.3.5-1', catchers: ['publish.overlap-max-qos'],
    description: 'with overlapping subscriptions delivers at the lowest granted QoS instead of the highest',
    fromClient: (f, c) => { trackFilters(f, c); },
    fromServer: (f, c) => {
      const p = pub(f);
      if (ownPubrel(f.packet, c)) return 'drop';
      const m = p ? matching(c, p.topic) : [];
      return p && p.qos > 0 && m.length > 1 && Math.min(...m.map(([, q]) => q)) === 0 ? asQos0(p, c) : undefined;
    },
  },
  {
    name: 'qos2-delivered-at-qos1', statement: 'MQTT-3.8.4-6', catchers: ['publish.min-qos'],
    description: 'delivers QoS 2 messages to QoS 2 subscriptions at QoS 1 (acknowledging the QoS 2 flow itself)',
    fromServer: (f, c) => {
      const p = pub(f);
      if (ownPubrel(f.packet, c)) return 'drop';
      if (p?.qos !== 2) return undefined;
      c.toServer({ cmd: 'pubrec', messageId: p.messageId! });
      c.state.set(`own:${p.messageId}`, true);
      return { ...p, qos: 1 };
    },
    fromClient: (f, c) => (f.packet?.cmd === 'puback' && c.state.get(`own:${f.packet.messageId}`) ? 'drop' : undefined),
  },
  {
    name: 'drop-pubrel-after-unsubscribe', statement: 'MQTT-3.10.4-3', catchers: ['subscribe.unsubscribe-completes-qos2'],
    description: 'abandons QoS 2 deliveries in flight when the client unsubscribes (their PUBREL never comes)',
    fromClient: (f, c) => { if (f.packet?.cmd === 'unsubscribe') c.state.set('unsubscribed', true); },
    fromServer: (f, c) => (f.packet?.cmd === 'pubrel' && c.state.get('unsubscribed') ? 'drop' : undefined),
  },
  {
    name: 'normalise-topic-names', statement: 'MQTT-4.7.3-4', catchers: ['publish.topic-matched-as-sent'],
    description: 'applies Unicode NFC normalisation to published topic names before matching',
    fromClient: (f) => { const p = pub(f); return p && p.topic.normalize('NFC') !== p.topic ? { ...p, topic: p.topic.normalize('NFC') } : undefined; },
  },
  {
    name: 'dup-after-puback-dropped', statement: 'MQTT-4.3.2-2', catchers: ['publish.qos1-id-reuse'],
    description: 'takes a QoS 1 PUBLISH with DUP 1 whose packet id was already acknowledged for a duplicate: acknowledges it and discards it',
    fromClient: (f, c) => {
      const p = pub(f);
      if (p?.qos !== 1) return undefined;
      if (p.dup && c.state.get(`acked:${p.messageId}`)) { c.toClient({ cmd: 'puback', messageId: p.messageId! }); return 'drop'; }
      return undefined;
    },
    fromServer: (f, c) => { if (f.packet?.cmd === 'puback') c.state.set(`acked:${f.packet.messageId}`, true); },
  },
];
