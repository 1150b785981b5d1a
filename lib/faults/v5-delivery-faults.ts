// MQTT 5.0 faults in message delivery, each partial the way real broker bugs are: only QoS 2, every
// second or tenth message, only redeliveries, only retained messages, only when a given property is
// present, only the second copy of an overlapping match, only deliveries through a '#' filter,
// only shared subscriptions. Each names the one test that must catch it on an assertion.
import type { IPublishPacket, ISubscribePacket, Packet } from 'mqtt-packet';
import type { ProxyConnection } from './fault.ts';
import { connack, count, ofType, pub, rememberShares, rewriteSubscriptions, sharesOf, sub, without, withProps, type V5Fault } from './v5-fault-kit.ts';

const key = (p: IPublishPacket) => `${p.topic}\0${String(p.payload)}`;
const nextId = (id: number | undefined) => ((id ?? 0) % 65535) + 1;
const subIds = (p: IPublishPacket): number[] => {
  const v = p.properties?.subscriptionIdentifier as number | number[] | undefined;
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};

/** Topic+payload of messages published with RETAIN 1 (across connections: the fault acts on their live copies). */
const publishedRetained = new Set<string>();
/** Topic+payload of messages published with DUP 1. */
const publishedDup = new Set<string>();
/** Topic Alias mappings per Client Identifier, kept across connections by the "carried over" fault. */
const aliasesByClient = new Map<string, Map<number, string>>();
/** Shared messages a fault hands to the next member that subscribes to the group. */
const handOver = new Map<string, IPublishPacket[]>();

function queueHandOver(c: ProxyConnection, p: IPublishPacket): void {
  for (const g of sharesOf(c)) handOver.set(g, [...(handOver.get(g) ?? []), p]);
}

/** After a member's SUBACK, sends it the messages handed over to one of its groups. */
function deliverHandOver(c: ProxyConnection): void {
  for (const g of sharesOf(c)) {
    for (const p of handOver.get(g) ?? []) c.toClient({ ...p, dup: false, messageId: nextId(60_000 + count(c, 'handed')) });
    handOver.delete(g);
  }
}

/** Unacknowledged QoS 2 deliveries of a connection (payloads by packet id), for the hand-over faults. */
function trackQos2(f: Parameters<NonNullable<V5Fault['fromServer']>>[0], c: ProxyConnection): void {
  const p = pub(f, c);
  const inflight = (c.state.get('qos2') as Map<number, IPublishPacket> | undefined) ?? new Map<number, IPublishPacket>();
  c.state.set('qos2', inflight);
  if (p?.qos === 2) inflight.set(p.messageId!, p);
}

function sharedQos2HandOver(name: string, statement: string, catcher: string, keepsSession: boolean): V5Fault {
  return {
    name, statement, catchers: [catcher],
    description: `hands the unacknowledged QoS 2 messages of a shared-subscription member whose connection drops to the next member that subscribes, only when the member's session ${keepsSession ? 'outlives the connection (Session Expiry > 0)' : 'ends with the connection'}`,
    fromClient: (f, c) => {
      const p = ofType(f, c, 'connect');
      if (p) c.state.set('keepsSession', (p.properties?.sessionExpiryInterval ?? 0) > 0);
      const rec = ofType(f, c, 'pubrec') ?? ofType(f, c, 'pubcomp');
      if (rec && rec.cmd === 'pubcomp') (c.state.get('qos2') as Map<number, IPublishPacket> | undefined)?.delete(rec.messageId!);
      rememberShares(f, c);
      return undefined;
    },
    fromServer: (f, c) => {
      trackQos2(f, c);
      if (ofType(f, c, 'suback')) setImmediate(() => deliverHandOver(c));
      return undefined;
    },
    clientClosed: (c) => {
      if (c.state.get('keepsSession') === keepsSession) for (const p of (c.state.get('qos2') as Map<number, IPublishPacket> | undefined)?.values() ?? []) queueHandOver(c, p);
    },
  };
}

/**
 * A stale table of completed Packet Identifiers: a new PUBLISH of this QoS from the client reusing an
 * id whose flow already completed is taken for a duplicate, acknowledged here and not delivered.
 */
function completedIdTakenForDuplicate(name: string, statement: string, qos: 1 | 2): V5Fault {
  const done = qos === 1 ? 'puback' : 'pubcomp';
  return {
    name, statement, catchers: ['v5.delivery.qos2-exactly-once'],
    description: `takes a new QoS ${qos} PUBLISH (DUP 0) that reuses the id of a completed QoS ${qos} flow for a duplicate: acknowledges it and does not deliver it`,
    fromServer: (f, c) => { const a = ofType(f, c, done); if (a) c.state.set(`done:${a.messageId}`, true); },
    fromClient: (f, c) => {
      const p = pub(f, c);
      if (p?.qos === qos && !p.dup && c.state.get(`done:${p.messageId}`)) {
        if (qos === 1) c.toClient({ cmd: 'puback', messageId: p.messageId!, reasonCode: 0 });
        else { c.toClient({ cmd: 'pubrec', messageId: p.messageId!, reasonCode: 0 }); c.state.set(`swallowed:${p.messageId}`, true); }
        return 'drop';
      }
      const rel = ofType(f, c, 'pubrel');
      if (rel && c.state.get(`swallowed:${rel.messageId}`)) {
        c.state.delete(`swallowed:${rel.messageId}`);
        c.toClient({ cmd: 'pubcomp', messageId: rel.messageId, reasonCode: 0 });
        return 'drop';
      }
      return undefined;
    },
  };
}

const QOS_FAULTS: V5Fault[] = [
  completedIdTakenForDuplicate('v5-acked-qos1-id-taken-for-duplicate', 'MQTT-4.3.2-5', 1),
  completedIdTakenForDuplicate('v5-completed-qos2-id-taken-for-duplicate', 'MQTT-4.3.3-12', 2),
  {
    name: 'v5-qos2-first-delivery-dup', statement: 'MQTT-4.3.3-2', catchers: ['v5.delivery.qos2-ids'],
    description: 'sets DUP on the first delivery of every QoS 2 message (only QoS 2)',
    fromServer: (f, c) => { const p = pub(f, c); return p?.qos === 2 && !p.dup ? { ...p, dup: true } : undefined; },
  },
  {
    name: 'v5-pubrel-wrong-id', statement: 'MQTT-4.3.3-4', catchers: ['v5.delivery.qos2-ids'],
    description: 'answers a subscriber\'s PUBREC with a PUBREL carrying another Packet Identifier',
    fromServer: (f, c) => { const p = ofType(f, c, 'pubrel'); return p ? { ...p, messageId: nextId(p.messageId) } : undefined; },
  },
  {
    name: 'v5-pubrec-wrong-id', statement: 'MQTT-4.3.3-8', catchers: ['v5.delivery.qos2-ids'],
    description: 'answers a publisher\'s QoS 2 PUBLISH with a PUBREC carrying another Packet Identifier',
    fromServer: (f, c) => { const p = ofType(f, c, 'pubrec'); return p ? { ...p, messageId: nextId(p.messageId) } : undefined; },
  },
  {
    name: 'v5-qos1-every-second-dup', statement: 'MQTT-4.3.2-2', catchers: ['v5.delivery.qos1-ids'],
    description: 'sets DUP on every second first delivery of a QoS 1 message',
    fromServer: (f, c) => { const p = pub(f, c); return p?.qos === 1 && !p.dup && count(c, 'q1') % 2 === 0 ? { ...p, dup: true } : undefined; },
  },
  {
    name: 'v5-qos1-reuse-in-flight-id', statement: 'MQTT-4.3.2-1', catchers: ['v5.delivery.qos1-ids'],
    description: 'gives a QoS 1 delivery the Packet Identifier of another delivery still unacknowledged',
    fromClient: (f, c) => { const a = ofType(f, c, 'puback'); if (a) c.state.delete('inflight'); return undefined; },
    fromServer: (f, c) => {
      const p = pub(f, c);
      if (p?.qos !== 1 || p.dup) return undefined;
      const inflight = c.state.get('inflight') as number | undefined;
      if (inflight === undefined) { c.state.set('inflight', p.messageId); return undefined; }
      return { ...p, messageId: inflight };
    },
  },
  {
    name: 'v5-qos0-dup', statement: 'MQTT-3.3.1-2', catchers: ['v5.delivery.qos0'],
    description: 'sets DUP on QoS 0 deliveries',
    fromServer: (f, c) => { const p = pub(f, c); return p?.qos === 0 && !p.dup ? { ...p, dup: true } : undefined; },
  },
  {
    name: 'v5-redelivery-without-dup', statement: 'MQTT-3.3.1-1', catchers: ['v5.delivery.redeliver-on-reconnect'],
    description: 'clears DUP on PUBLISHes re-sent after a reconnect (only redeliveries)',
    fromServer: (f, c) => { const p = pub(f, c); return p?.dup ? { ...p, dup: false } : undefined; },
  },
  {
    name: 'v5-redelivery-new-id', statement: 'MQTT-4.4.0-1', catchers: ['v5.delivery.redeliver-on-reconnect'],
    description: 'resends an unacknowledged QoS 1 PUBLISH after a reconnect under another Packet Identifier',
    fromServer: (f, c) => { const p = pub(f, c); return p?.dup && p.qos === 1 ? { ...p, messageId: nextId(p.messageId) } : undefined; },
  },
  {
    name: 'v5-republish-after-pubrel', statement: 'MQTT-4.3.3-6', catchers: ['v5.delivery.redeliver-on-reconnect'],
    description: 'after a reconnect, follows the re-sent PUBREL with the QoS 2 PUBLISH it already released',
    fromServer: (f, c) => {
      const a = connack(f, c);
      if (a) c.state.set('resumed', a.sessionPresent);
      const rel = ofType(f, c, 'pubrel');
      if (!rel || c.state.get('resumed') !== true) return undefined;
      return [f.bytes, { cmd: 'publish', topic: 'released/again', payload: Buffer.from('again'), qos: 2, dup: true, retain: false, messageId: rel.messageId! } as Packet];
    },
  },
  {
    name: 'v5-reorder-every-tenth', statement: 'MQTT-4.6.0-6', catchers: ['v5.delivery.order'],
    description: 'holds back every tenth PUBLISH to a client and sends it after the next one',
    fromServer: (f, c) => {
      if (!pub(f, c)) return undefined;
      const held = c.state.get('held') as Buffer | undefined;
      if (held) { c.state.delete('held'); return [f.bytes, held]; }
      if (count(c, 'n') % 10 === 0) { c.state.set('held', f.bytes); return 'drop'; }
      return undefined;
    },
  },
  {
    name: 'v5-qos0-delivered-as-qos1', statement: 'MQTT-4.3.1-1', catchers: ['v5.delivery.qos0'],
    description: 'delivers QoS 0 messages as QoS 1 PUBLISHes (with a Packet Identifier)',
    fromServer: (f, c) => { const p = pub(f, c); return p?.qos === 0 ? { ...p, qos: 1, messageId: nextId(50_000 + count(c, 'up')) } : undefined; },
  },
  {
    name: 'v5-puback-for-qos0', statement: 'MQTT-3.3.4-1', catchers: ['v5.delivery.qos0'],
    description: 'answers a QoS 0 PUBLISH from a client with a PUBACK',
    fromClient: (f, c) => { const p = pub(f, c); if (p?.qos === 0) c.toClient({ cmd: 'puback', messageId: 1, reasonCode: 0 }); return undefined; },
  },
  {
    name: 'v5-dup-propagated', statement: 'MQTT-3.3.1-3', catchers: ['publish.dup-not-propagated'],
    description: 'keeps DUP 1 on the deliveries of a message its publisher sent with DUP 1',
    fromClient: (f, c) => { const p = pub(f, c); if (p?.dup) publishedDup.add(key(p)); return undefined; },
    fromServer: (f, c) => { const p = pub(f, c); return p && p.qos > 0 && !p.dup && publishedDup.has(key(p)) ? { ...p, dup: true } : undefined; },
  },
  {
    name: 'v5-qos2-delivered-as-qos1', statement: 'MQTT-3.8.4-8', catchers: ['publish.min-qos'],
    description: 'delivers QoS 2 messages to QoS 2 subscriptions as QoS 1 (only QoS 2)',
    fromServer: (f, c) => { const p = pub(f, c); return p?.qos === 2 ? { ...p, qos: 1 } : undefined; },
  },
  {
    name: 'v5-dollar-dropped-before-matching', statement: 'MQTT-4.7.2-1', catchers: ['v5.delivery.dollar-topics-no-normalisation'],
    description: 'drops the leading \'$\' of a published Topic Name, so wildcard filters match it',
    fromClient: (f, c) => { const p = pub(f, c); return p?.topic.startsWith('$') ? { ...p, topic: p.topic.slice(1) } : undefined; },
  },
  {
    name: 'v5-empty-levels-normalised', statement: 'MQTT-4.7.3-4', catchers: ['v5.delivery.dollar-topics-no-normalisation'],
    description: 'collapses empty levels (a//b to a/b) in published Topic Names',
    fromClient: (f, c) => { const p = pub(f, c); return p?.topic.includes('//') ? { ...p, topic: p.topic.replace(/\/{2,}/g, '/') } : undefined; },
  },
];

const RETAIN_FAULTS: V5Fault[] = [
  {
    name: 'v5-second-retained-not-stored', statement: 'MQTT-3.3.1-5', catchers: ['v5.delivery.retained-replace-remove'],
    description: 'forwards the second non-empty retained PUBLISH a client sends on a topic with RETAIN 0, so it does not replace the first',
    fromClient: (f, c) => {
      const p = pub(f, c);
      if (!p?.retain || !p.payload.length) return undefined;
      return count(c, `retained:${p.topic}`) === 2 ? { ...p, retain: false } : undefined;
    },
  },
  {
    name: 'v5-empty-retained-not-removing', statement: 'MQTT-3.3.1-6', catchers: ['v5.delivery.retained-replace-remove'],
    description: 'forwards a retained PUBLISH with an empty payload with RETAIN 0, so the retained message stays',
    fromClient: (f, c) => { const p = pub(f, c); return p?.retain && !p.payload.length ? { ...p, retain: false } : undefined; },
  },
  {
    name: 'v5-retain-0-replaces-retained', statement: 'MQTT-3.3.1-8', catchers: ['v5.delivery.retained-replace-remove'],
    description: 'stores a RETAIN 0 PUBLISH as retained when the same client published retained on that topic before',
    fromClient: (f, c) => {
      const p = pub(f, c);
      if (p?.retain) c.state.set(`retainedTopic:${p.topic}`, true);
      return p && !p.retain && c.state.get(`retainedTopic:${p.topic}`) ? { ...p, retain: true } : undefined;
    },
  },
  {
    name: 'v5-retain-kept-for-rap-0', statement: 'MQTT-3.3.1-12', catchers: ['v5.subscription-options.retain-as-published'],
    description: 'keeps RETAIN 1 on live deliveries of messages published retained, also to Retain As Published 0 subscriptions',
    fromClient: (f, c) => { const p = pub(f, c); if (p?.retain) publishedRetained.add(key(p)); return undefined; },
    fromServer: (f, c) => { const p = pub(f, c); return p && !p.retain && publishedRetained.has(key(p)) ? { ...p, retain: true } : undefined; },
  },
  {
    name: 'v5-retain-handling-1-as-0', statement: 'MQTT-3.3.1-10', catchers: ['v5.subscription-options.retain-handling-1'],
    description: 'turns Retain Handling 1 into 0, so retained messages are re-sent when an existing subscription is renewed',
    fromClient: (f, c) => rewriteSubscriptions(f, c, (s) => (s.rh === 1 ? { ...s, rh: 0 } : s)),
  },
  {
    name: 'v5-retained-expiry-dropped', statement: 'MQTT-3.3.2-5', catchers: ['v5.message-expiry.retained-expired'],
    description: 'strips the Message Expiry Interval from retained PUBLISHes only, so an expired retained message is still sent',
    fromClient: (f, c) => { const p = pub(f, c); return p?.retain ? without(p, 'messageExpiryInterval') : undefined; },
  },
  {
    name: 'v5-short-expiry-raised', statement: 'MQTT-3.3.2-6', catchers: ['v5.message-expiry.online-not-larger'],
    description: 'forwards a Message Expiry Interval below 60 s raised by 10 s',
    fromServer: (f, c) => {
      const p = pub(f, c);
      const e = p?.properties?.messageExpiryInterval;
      return p && e !== undefined && e < 60 ? withProps(p, { messageExpiryInterval: e + 10 }) : undefined;
    },
  },
  {
    name: 'v5-retain-cleared-on-subscribe-delivery', statement: 'MQTT-3.3.1-9', catchers: ['v5.connack.retain-available'],
    description: 'clears RETAIN on the retained message sent right after a SUBACK (only that first one)',
    fromServer: (f, c) => {
      if (ofType(f, c, 'suback')) c.state.set('afterSuback', true);
      const p = pub(f, c);
      if (!p || !c.state.get('afterSuback')) return undefined;
      c.state.delete('afterSuback');
      return p.retain ? { ...p, retain: false } : undefined;
    },
  },
  {
    name: 'v5-refuse-qos2-subscription', statement: 'MQTT-3.2.2-10', catchers: ['v5.connack.maximum-qos'],
    description: 'refuses a QoS 2 subscription with SUBACK 0x80 (it must be accepted, at most with a lower QoS)',
    fromServer: (f, c) => { const p = ofType(f, c, 'suback'); return p?.granted.includes(2) ? { ...p, granted: p.granted.map((g) => (g === 2 ? 0x80 : g)) } as Packet : undefined; },
  },
];

const PROPERTY_FAULTS: V5Fault[] = [
  {
    name: 'v5-drop-content-type', statement: 'MQTT-3.3.2-20', catchers: ['v5.publish-properties.forwarded-unaltered'],
    description: 'strips the Content Type (only that property) from PUBLISHes sent to v5 clients',
    fromServer: (f, c) => without(pub(f, c), 'contentType'),
  },
  {
    name: 'v5-rewrite-response-topic', statement: 'MQTT-3.3.2-15', catchers: ['v5.publish-properties.forwarded-unaltered'],
    description: 'appends a level to the Response Topic of forwarded PUBLISHes',
    fromServer: (f, c) => { const p = pub(f, c); return p?.properties?.responseTopic ? withProps(p, { responseTopic: `${p.properties.responseTopic}/x` }) : undefined; },
  },
  {
    name: 'v5-strip-bom-from-content-type', statement: 'MQTT-1.5.4-3', catchers: ['v5.publish-properties.forwarded-unaltered'],
    description: 'strips a leading U+FEFF from a forwarded Content Type (only when it starts with one)',
    fromServer: (f, c) => { const p = pub(f, c); const t = p?.properties?.contentType; return p && t?.startsWith('\uFEFF') ? withProps(p, { contentType: t.slice(1) }) : undefined; },
  },
  {
    name: 'v5-repeated-user-property-moved-last', statement: 'MQTT-3.3.2-18', catchers: ['v5.publish-properties.user-properties-in-order'],
    description: 'moves a User Property whose name repeats behind the others (only when a name repeats)',
    fromServer: (f, c) => {
      const p = pub(f, c);
      const up = p?.properties?.userProperties;
      const repeated = up && Object.keys(up).find((k) => Array.isArray(up[k]));
      if (!p || !up || !repeated) return undefined;
      const { [repeated]: moved, ...rest } = up;
      return withProps(p, { userProperties: { ...rest, [repeated]: moved } });
    },
  },
  {
    name: 'v5-drop-non-ascii-user-property', statement: 'MQTT-1.5.7-1', catchers: ['v5.publish-properties.user-properties-in-order'],
    description: 'drops User Properties whose name is not ASCII',
    fromServer: (f, c) => {
      const p = pub(f, c);
      const up = p?.properties?.userProperties;
      if (!p || !up || Object.keys(up).every((k) => /^[\x20-\x7e]*$/.test(k))) return undefined;
      return withProps(p, { userProperties: Object.fromEntries(Object.entries(up).filter(([k]) => /^[\x20-\x7e]*$/.test(k))) });
    },
  },
  {
    name: 'v5-subscription-id-lost-on-replace', statement: 'MQTT-3.8.4-3', catchers: ['v5.subscription-identifiers.replaced'],
    description: 'drops the Subscription Identifier of a SUBSCRIBE that replaces an existing subscription (only on replacement)',
    fromClient: (f, c) => {
      const p = sub(f, c);
      if (!p) return undefined;
      const again = p.subscriptions.some((s) => c.state.has(`filter:${s.topic}`));
      for (const s of p.subscriptions) c.state.set(`filter:${s.topic}`, true);
      return again ? without(p, 'subscriptionIdentifier') : undefined;
    },
  },
  {
    name: 'v5-second-copy-repeats-subscription-id', statement: 'MQTT-3.3.4-5', catchers: ['v5.subscription-identifiers.overlapping'],
    description: 'when a message goes out once per overlapping subscription, gives the second copy the first copy\'s Subscription Identifier',
    fromServer: (f, c) => {
      const p = pub(f, c);
      if (!p || !subIds(p).length) return undefined;
      const first = c.state.get(`ids:${key(p)}`) as number[] | undefined;
      if (!first) { c.state.set(`ids:${key(p)}`, subIds(p)); return undefined; }
      return withProps(p, { subscriptionIdentifier: first.length === 1 ? first[0] : first });
    },
  },
  {
    name: 'v5-hash-match-delivered-qos0', statement: 'MQTT-3.3.4-2', catchers: ['v5.subscription-identifiers.overlapping'],
    description: 'delivers at QoS 0 the copies matched only through a \'#\' filter (recognised by its Subscription Identifier)',
    fromClient: (f, c) => {
      const p = sub(f, c) as ISubscribePacket | undefined;
      const id = p?.properties?.subscriptionIdentifier as number | undefined;
      if (p && id !== undefined && p.subscriptions.some((s) => s.topic.endsWith('#'))) c.state.set(`hash:${id}`, true);
      return undefined;
    },
    fromServer: (f, c) => {
      const p = pub(f, c);
      const ids = p ? subIds(p) : [];
      if (!p || p.qos === 0 || !ids.length || !ids.every((id) => c.state.get(`hash:${id}`))) return undefined;
      const { messageId: _dropped, ...rest } = p;
      return { ...rest, qos: 0, dup: false } as IPublishPacket;
    },
  },
];

const ALIAS_FAULTS: V5Fault[] = [
  {
    name: 'v5-alias-to-client-without-maximum', statement: 'MQTT-3.1.2-27', catchers: ['v5.topic-alias.outbound'],
    description: 'sends Topic Alias 1 on the third PUBLISH to a client that announced no Topic Alias Maximum',
    fromClient: (f, c) => { const p = ofType(f, c, 'connect'); if (p) c.state.set('aliasMax', p.properties?.topicAliasMaximum ?? 0); return undefined; },
    fromServer: (f, c) => {
      const p = pub(f, c);
      if (!p || (c.state.get('aliasMax') as number | undefined) !== 0) return undefined;
      return count(c, 'toAliasless') === 3 ? withProps(p, { topicAlias: 1 }) : undefined;
    },
  },
  {
    name: 'v5-accept-alias-over-maximum', statement: 'MQTT-3.3.2-12', catchers: ['v5.topic-alias.over-maximum'],
    description: 'removes a Topic Alias above the broker\'s Topic Alias Maximum from a PUBLISH that also names its topic, so the error goes unnoticed',
    fromServer: (f, c) => { const a = connack(f, c); if (a) c.state.set('serverAliasMax', a.properties?.topicAliasMaximum ?? 0); return undefined; },
    fromClient: (f, c) => {
      const p = pub(f, c);
      const alias = p?.properties?.topicAlias;
      return p && p.topic && alias !== undefined && alias > ((c.state.get('serverAliasMax') as number | undefined) ?? 0) ? without(p, 'topicAlias') : undefined;
    },
  },
  {
    name: 'v5-alias-carried-over', statement: 'MQTT-3.3.2-7', catchers: ['v5.topic-alias.not-carried-over'],
    description: 'keeps a client\'s Topic Alias mappings across its connections, resolving an alias the new connection never set',
    fromClient: (f, c) => {
      const p = pub(f, c);
      if (!p?.properties?.topicAlias || !c.clientId) return undefined;
      const map = aliasesByClient.get(c.clientId) ?? new Map<number, string>();
      aliasesByClient.set(c.clientId, map);
      const seen = (c.state.get('aliases') as Set<number> | undefined) ?? new Set<number>();
      c.state.set('aliases', seen);
      if (p.topic) { map.set(p.properties.topicAlias, p.topic); seen.add(p.properties.topicAlias); return undefined; }
      const old = map.get(p.properties.topicAlias);
      return old && !seen.has(p.properties.topicAlias) ? without({ ...p, topic: old }, 'topicAlias') : undefined;
    },
  },
];

const SHARED_FAULTS: V5Fault[] = [
  {
    name: 'v5-shared-refused-handed-over', statement: 'MQTT-4.8.2-6', catchers: ['v5.shared-subscriptions.refused-discarded'],
    description: 'hands a shared message its member refused (PUBACK >= 0x80) to the next member that subscribes to the group',
    fromClient: (f, c) => {
      rememberShares(f, c);
      const a = ofType(f, c, 'puback');
      const sent = a && (c.state.get(`sent:${a.messageId}`) as IPublishPacket | undefined);
      if (a && sent && (a.reasonCode ?? 0) >= 0x80) queueHandOver(c, sent);
      return undefined;
    },
    fromServer: (f, c) => {
      const p = pub(f, c);
      if (p?.messageId && sharesOf(c).size) c.state.set(`sent:${p.messageId}`, p);
      if (ofType(f, c, 'suback')) setImmediate(() => deliverHandOver(c));
      return undefined;
    },
  },
  sharedQos2HandOver('v5-shared-qos2-handed-over-reconnecting', 'MQTT-4.8.2-4', 'v5.shared-subscriptions.qos2-reconnecting-member', true),
  sharedQos2HandOver('v5-shared-qos2-handed-over-session-end', 'MQTT-4.8.2-5', 'v5.shared-subscriptions.qos2-session-ends', false),
  {
    name: 'v5-shared-plus-in-share-name', statement: 'MQTT-4.8.2-2', catchers: ['v5.shared-subscriptions.invalid-filter.plus-in-share-name'],
    description: 'accepts a ShareName containing \'+\' by dropping the \'+\' before the broker sees it',
    fromClient: (f, c) => rewriteSubscriptions(f, c, (s) => {
      const [, group, ...rest] = s.topic.split('/');
      return s.topic.startsWith('$share/') && group?.includes('+') && rest.length ? { ...s, topic: ['$share', group.replace(/\+/g, '') || 'g', ...rest].join('/') } : s;
    }),
  },
  {
    name: 'v5-shared-qos0-not-shared', statement: 'MQTT-4.8.2-1', catchers: ['v5.shared-subscriptions.one-member-each'],
    description: 'treats a $share/ filter requested at QoS 0 as an ordinary subscription to its topic filter',
    fromClient: (f, c) => rewriteSubscriptions(f, c, (s) => (s.topic.startsWith('$share/') && s.qos === 0 ? { ...s, topic: s.topic.split('/').slice(2).join('/') } : s)),
  },
];

export const V5_DELIVERY_FAULTS: readonly V5Fault[] = [...QOS_FAULTS, ...RETAIN_FAULTS, ...PROPERTY_FAULTS, ...ALIAS_FAULTS, ...SHARED_FAULTS];
