// MQTT 5.0 faults for the fault-injecting proxy: each breaks one v5 promise the way a buggy broker
// would (ignore No Local, drop User Properties, forward expired messages, ...) and names the
// statements whose tests must catch it. test/mutation-v5.test.ts proves that they do.
import type { IConnackPacket, IConnectPacket, IPublishPacket, ISubscribePacket, Packet } from 'mqtt-packet';
import type { Frame } from '../mqtt/frames.ts';
import type { Fault, ProxyConnection } from './fault.ts';

const v5 = (c: ProxyConnection) => c.protocolVersion === 5;
const pub = (f: Frame, c: ProxyConnection): IPublishPacket | undefined => (v5(c) && f.packet?.cmd === 'publish' ? f.packet : undefined);
const sub = (f: Frame, c: ProxyConnection): ISubscribePacket | undefined => (v5(c) && f.packet?.cmd === 'subscribe' ? f.packet : undefined);
const connect = (f: Frame): IConnectPacket | undefined => (f.packet?.cmd === 'connect' && f.packet.protocolVersion === 5 ? f.packet : undefined);
const connack = (f: Frame, c: ProxyConnection): IConnackPacket | undefined => (v5(c) && f.packet?.cmd === 'connack' ? f.packet : undefined);

/** Rewrites the options of every subscription in a v5 SUBSCRIBE. */
function rewriteSubscriptions(f: Frame, c: ProxyConnection, change: (s: ISubscribePacket['subscriptions'][number]) => ISubscribePacket['subscriptions'][number]): Packet | undefined {
  const p = sub(f, c);
  return p ? { ...p, subscriptions: p.subscriptions.map(change) } : undefined;
}

/** Removes one property from a packet (undefined when it was absent). */
function without<P extends Packet & { properties?: object }>(p: P | undefined, key: string): P | undefined {
  if (!p?.properties || !(key in p.properties)) return undefined;
  const properties = { ...p.properties } as Record<string, unknown>;
  delete properties[key];
  return { ...p, properties } as P;
}

/** Original Message Expiry Interval per topic+payload as the publisher sent it (for the "not decremented" fault). */
const publishedExpiry = new Map<string, number>();

const FAULTS_V5: Fault[] = [
  {
    name: 'v5-ignore-no-local',
    description: 'clears No Local in every v5 SUBSCRIBE, so a client receives its own publications',
    statement: 'MQTT-3.8.3-3', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.8.3-3'],
    fromClient: (f, c) => rewriteSubscriptions(f, c, (s) => ({ ...s, nl: false })),
  },
  {
    name: 'v5-drop-user-properties',
    description: 'strips User Properties from every PUBLISH sent to a v5 client',
    statement: 'MQTT-3.3.2-17', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.3.2-17', 'MQTT-3.3.2-18', 'MQTT-3.1.3-10'],
    fromServer: (f, c) => without(pub(f, c), 'userProperties'),
  },
  {
    name: 'v5-ignore-topic-alias-mapping',
    description: 'acknowledges but discards a PUBLISH that uses an established Topic Alias with an empty topic',
    statement: 'MQTT-3.3.2-12', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.3.2-12'],
    fromClient: (f, c) => {
      const p = pub(f, c);
      if (!p || p.topic !== '' || p.properties?.topicAlias === undefined) return undefined;
      if (p.qos === 1) c.toClient({ cmd: 'puback', messageId: p.messageId!, reasonCode: 0 });
      if (p.qos === 2) c.toClient({ cmd: 'pubrec', messageId: p.messageId!, reasonCode: 0 });
      return 'drop';
    },
  },
  {
    name: 'v5-break-retain-handling-2',
    description: 'turns Retain Handling 2 into 0, so retained messages are sent on subscribe',
    statement: 'MQTT-3.3.1-11', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.3.1-11'],
    fromClient: (f, c) => rewriteSubscriptions(f, c, (s) => (s.rh === 2 ? { ...s, rh: 0 } : s)),
  },
  {
    name: 'v5-ignore-retain-as-published',
    description: 'clears Retain As Published in every v5 SUBSCRIBE',
    statement: 'MQTT-3.3.1-13', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.3.1-13'],
    fromClient: (f, c) => rewriteSubscriptions(f, c, (s) => ({ ...s, rap: false })),
  },
  {
    name: 'v5-shared-to-two-members',
    description: 'also delivers a Shared Subscription message (as QoS 0) to another member of the same share group',
    statement: 'MQTT-4.8.2-3', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-4.8.2-3'],
    fromClient: (f, c) => {
      const p = sub(f, c);
      if (p) {
        const groups = (c.state.get('shares') as Set<string> | undefined) ?? new Set<string>();
        for (const s of p.subscriptions) if (s.topic.startsWith('$share/')) groups.add(s.topic.split('/')[1]!);
        c.state.set('shares', groups);
      }
      return undefined;
    },
    fromServer: (f, c) => {
      const p = pub(f, c);
      const mine = c.state.get('shares') as Set<string> | undefined;
      if (!p || !mine?.size) return undefined;
      const other = c.all().find((o) => o !== c && [...((o.state.get('shares') as Set<string> | undefined) ?? [])].some((g) => mine.has(g)));
      if (other) other.toClient({ cmd: 'publish', topic: p.topic, payload: p.payload, qos: 0, dup: false, retain: false, properties: {} });
      return undefined;
    },
  },
  {
    name: 'v5-forward-expired-messages',
    description: 'strips Message Expiry Interval from incoming PUBLISHes, so expired messages are still delivered',
    statement: 'MQTT-3.3.2-5', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.3.2-5', 'MQTT-3.3.2-6'],
    fromClient: (f, c) => without(pub(f, c), 'messageExpiryInterval'),
  },
  {
    name: 'v5-expiry-not-decremented',
    description: 'forwards the Message Expiry Interval as published, not reduced by the time the message waited',
    statement: 'MQTT-3.3.2-6', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.3.2-6'],
    fromClient: (f, c) => {
      const p = pub(f, c);
      if (p?.properties?.messageExpiryInterval !== undefined) publishedExpiry.set(`${p.topic}\0${String(p.payload)}`, p.properties.messageExpiryInterval);
      return undefined;
    },
    fromServer: (f, c) => {
      const p = pub(f, c);
      const original = p && publishedExpiry.get(`${p.topic}\0${String(p.payload)}`);
      if (!p || original === undefined || p.properties?.messageExpiryInterval === undefined) return undefined;
      return { ...p, properties: { ...p.properties, messageExpiryInterval: original } };
    },
  },
  {
    name: 'v5-announce-max-qos1-deliver-qos2',
    description: 'announces Maximum QoS 1 in CONNACK while still granting and delivering QoS 2',
    statement: 'MQTT-3.2.2-9', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.2.2-9'],
    fromServer: (f, c) => {
      const p = connack(f, c);
      return p && (p.reasonCode ?? 0) === 0 ? { ...p, properties: { ...p.properties, maximumQoS: 1 } } : undefined;
    },
  },
  {
    name: 'v5-ignore-client-receive-maximum',
    description: 'hides the client\'s Receive Maximum from the broker, which then floods the client',
    statement: 'MQTT-3.3.4-9', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.3.4-9', 'MQTT-4.9.0-2'],
    fromClient: (f) => without(connect(f), 'receiveMaximum'),
  },
  {
    name: 'v5-ignore-client-maximum-packet-size',
    description: 'hides the client\'s Maximum Packet Size from the broker, which then sends oversized packets',
    statement: 'MQTT-3.1.2-24', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.1.2-24', 'MQTT-3.1.2-25'],
    fromClient: (f) => without(connect(f), 'maximumPacketSize'),
  },
  {
    name: 'v5-topic-alias-beyond-client-maximum',
    description: 'adds a Topic Alias one above the client\'s Topic Alias Maximum to every PUBLISH it receives',
    statement: 'MQTT-3.1.2-26', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.1.2-26', 'MQTT-3.1.2-27', 'MQTT-3.3.2-11'],
    fromClient: (f, c) => {
      const p = connect(f);
      if (p) c.state.set('aliasMax', p.properties?.topicAliasMaximum ?? 0);
      return undefined;
    },
    fromServer: (f, c) => {
      const p = pub(f, c);
      if (!p) return undefined;
      return { ...p, properties: { ...p.properties, topicAlias: ((c.state.get('aliasMax') as number | undefined) ?? 0) + 1 } };
    },
  },
  {
    name: 'v5-accept-topic-alias-zero',
    description: 'removes Topic Alias 0 from incoming PUBLISHes, so the Protocol Error goes unnoticed',
    statement: 'MQTT-3.3.2-8', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.3.2-8'],
    fromClient: (f, c) => {
      const p = pub(f, c);
      return p?.properties?.topicAlias === 0 ? without(p, 'topicAlias') : undefined;
    },
  },
  {
    name: 'v5-drop-subscription-identifier',
    description: 'strips Subscription Identifiers from PUBLISHes sent to v5 clients',
    statement: 'MQTT-3.3.4-3', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.3.4-3', 'MQTT-3.3.4-4', 'MQTT-3.3.4-5'],
    fromServer: (f, c) => without(pub(f, c), 'subscriptionIdentifier'),
  },
  {
    name: 'v5-ignore-session-expiry',
    description: 'hides the Session Expiry Interval in CONNECT, so every session ends at disconnect',
    statement: 'MQTT-3.1.2-23', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.1.2-23', 'MQTT-3.1.2-5'],
    fromClient: (f) => without(connect(f), 'sessionExpiryInterval'),
  },
  {
    name: 'v5-error-disconnect-as-normal',
    description: 'turns every error DISCONNECT the broker sends (reason >= 0x80) into 0x00 Normal disconnection',
    statement: 'MQTT-3.3.2-8', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.3.2-8', 'MQTT-4.13.1-1'],
    fromServer: (f, c) => (v5(c) && f.packet?.cmd === 'disconnect' && (f.packet.reasonCode ?? 0) >= 0x80 ? { ...f.packet, reasonCode: 0x00 } : undefined),
  },
  {
    name: 'v5-session-expiry-on-server-disconnect',
    description: 'adds a Session Expiry Interval to every DISCONNECT the broker sends',
    statement: 'MQTT-3.14.2-2', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.14.2-2'],
    fromServer: (f, c) => (v5(c) && f.packet?.cmd === 'disconnect' ? { ...f.packet, properties: { ...f.packet.properties, sessionExpiryInterval: 30 } } : undefined),
  },
  {
    name: 'v5-drop-payload-format-indicator',
    description: 'strips Payload Format Indicator and Content Type from PUBLISHes sent to v5 clients',
    statement: 'MQTT-3.3.2-4', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.3.2-4', 'MQTT-3.3.2-20'],
    fromServer: (f, c) => without(without(pub(f, c), 'payloadFormatIndicator') ?? pub(f, c), 'contentType'),
  },
  {
    name: 'v5-alter-correlation-data',
    description: 'flips the first byte of Correlation Data forwarded to subscribers',
    statement: 'MQTT-3.3.2-16', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.3.2-16'],
    fromServer: (f, c) => {
      const p = pub(f, c);
      const data = p?.properties?.correlationData;
      if (!p || !data?.length) return undefined;
      const flipped = Buffer.from(data);
      flipped[0] = flipped[0]! ^ 0xff;
      return { ...p, properties: { ...p.properties, correlationData: flipped } };
    },
  },
  {
    name: 'v5-reason-string-despite-rpi0',
    description: 'adds a Reason String to PUBACK, SUBACK and UNSUBACK even when Request Problem Information is 0',
    statement: 'MQTT-3.1.2-29', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.1.2-29'],
    fromServer: (f, c) => {
      const p = f.packet;
      if (!v5(c) || !p || !['puback', 'pubrec', 'pubcomp', 'suback', 'unsuback'].includes(p.cmd)) return undefined;
      return { ...p, properties: { ...(p as { properties?: object }).properties, reasonString: 'injected' } } as Packet;
    },
  },
  {
    name: 'v5-will-ignores-delay',
    description: 'removes the Will Delay Interval from CONNECT, so the Will is published at once (even if the client reconnects)',
    statement: 'MQTT-3.1.3-9', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.1.3-9', 'MQTT-3.1.2-8'],
    fromClient: (f) => {
      const p = connect(f);
      if (!p?.will?.properties?.willDelayInterval) return undefined;
      const properties = { ...p.will.properties };
      delete properties.willDelayInterval;
      return { ...p, will: { ...p.will, properties } };
    },
  },
  {
    name: 'v5-reuse-assigned-client-id',
    description: 'replaces every Assigned Client Identifier with the same fixed value',
    statement: 'MQTT-3.2.2-16', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.2.2-16'],
    fromServer: (f, c) => {
      const p = connack(f, c);
      return p?.properties?.assignedClientIdentifier ? { ...p, properties: { ...p.properties, assignedClientIdentifier: 'same-for-all' } } : undefined;
    },
  },
  {
    name: 'v5-unrequested-response-information',
    description: 'adds Response Information to every CONNACK, also when the client did not request it',
    statement: 'MQTT-3.1.2-28', catchers: [/* TODO: keys */] as string[], caughtBy: ['MQTT-3.1.2-28'],
    fromServer: (f, c) => {
      const p = connack(f, c);
      return p && (p.reasonCode ?? 0) === 0 ? { ...p, properties: { ...p.properties, responseInformation: 'resp/' } } : undefined;
    },
  },
];

export const V5_FAULTS: readonly Fault[] = FAULTS_V5.map((f) => ({ ...f, protocol: '5' as const }));
