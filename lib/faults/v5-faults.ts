// MQTT 5.0 faults for the fault-injecting proxy: each breaks one v5 promise the way a buggy broker
// would (ignore No Local, drop User Properties, forward expired messages, ...), names the one
// statement it breaks and the stable keys of the tests that must catch it on an assertion.
// test/mutation-v5.test.ts proves that they do. This file holds the first faults and composes
// V5_FAULTS from the themed files beside it (v5-*-faults.ts).
import type { Fault } from './fault.ts';
import { connack, connect, connectOf, pub, rememberConnect, rewriteSubscriptions, rememberShares, sharesOf, v5, without, withoutWillProperty, withProps, type V5Fault } from './v5-fault-kit.ts';
import { V5_ACK_FAULTS } from './v5-ack-faults.ts';
import { V5_DELIVERY_FAULTS } from './v5-delivery-faults.ts';
import { V5_SESSION_FAULTS } from './v5-session-faults.ts';
import { V5_MALFORMED_FAULTS } from './v5-malformed-faults.ts';
import { V5_TWIN_FAULTS } from './v5-twin-faults.ts';
import { V5_CONNECT_FAULTS } from './v5-connect-faults.ts';
export { UNTOUCHED_V5 } from './v5-untouched.ts';

/** Original Message Expiry Interval per topic+payload as the publisher sent it (for the "not decremented" fault). */
const publishedExpiry = new Map<string, number>();

const FIRST_V5_FAULTS: V5Fault[] = [
  {
    name: 'v5-ignore-no-local',
    description: 'clears No Local in every v5 SUBSCRIBE, so a client receives its own publications',
    statement: 'MQTT-3.8.3-3', catchers: ['v5.subscription-options.no-local'],
    fromClient: (f, c) => rewriteSubscriptions(f, c, (s) => ({ ...s, nl: false })),
  },
  {
    name: 'v5-drop-user-properties',
    description: 'strips User Properties from every PUBLISH sent to a v5 client',
    statement: 'MQTT-3.3.2-17', catchers: ['v5.publish-properties.user-properties-in-order'],
    fromServer: (f, c) => without(pub(f, c), 'userProperties'),
  },
  {
    name: 'v5-ignore-topic-alias-mapping',
    description: 'acknowledges but discards a PUBLISH that uses an established Topic Alias with an empty topic',
    statement: 'MQTT-3.3.2-12', catchers: ['v5.topic-alias.within-maximum'],
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
    statement: 'MQTT-3.3.1-11', catchers: ['v5.subscription-options.retain-handling-2'],
    fromClient: (f, c) => rewriteSubscriptions(f, c, (s) => (s.rh === 2 ? { ...s, rh: 0 } : s)),
  },
  {
    name: 'v5-ignore-retain-as-published',
    description: 'clears Retain As Published in every v5 SUBSCRIBE',
    statement: 'MQTT-3.3.1-13', catchers: ['v5.subscription-options.retain-as-published'],
    fromClient: (f, c) => rewriteSubscriptions(f, c, (s) => ({ ...s, rap: false })),
  },
  {
    name: 'v5-shared-to-two-members',
    description: 'also delivers a Shared Subscription message (as QoS 0) to another member of the same share group',
    statement: 'MQTT-4.8.2-3', catchers: ['v5.shared-subscriptions.one-member-each'],
    fromClient: (f, c) => rememberShares(f, c),
    fromServer: (f, c) => {
      const p = pub(f, c);
      const mine = sharesOf(c);
      if (!p || !mine.size) return undefined;
      const other = c.all().find((o) => o !== c && [...sharesOf(o)].some((g) => mine.has(g)));
      if (other) other.toClient({ cmd: 'publish', topic: p.topic, payload: p.payload, qos: 0, dup: false, retain: false, properties: {} });
      return undefined;
    },
  },
  {
    name: 'v5-forward-expired-messages',
    description: 'strips Message Expiry Interval from incoming non-retained PUBLISHes, so expired queued messages are still delivered',
    statement: 'MQTT-3.3.2-5', catchers: ['v5.message-expiry.queued-expired'],
    fromClient: (f, c) => { const p = pub(f, c); return p && !p.retain ? without(p, 'messageExpiryInterval') : undefined; },
  },
  {
    name: 'v5-expiry-not-decremented',
    description: 'forwards the Message Expiry Interval as published, not reduced by the time the message waited',
    statement: 'MQTT-3.3.2-6', catchers: ['v5.message-expiry.remaining-interval'],
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
    statement: 'MQTT-3.2.2-9', catchers: ['v5.connack.maximum-qos'],
    fromServer: (f, c) => {
      const p = connack(f, c);
      return p && (p.reasonCode ?? 0) === 0 ? { ...p, properties: { ...p.properties, maximumQoS: 1 } } : undefined;
    },
  },
  {
    name: 'v5-ignore-client-receive-maximum',
    description: 'hides the client\'s Receive Maximum from the broker, which then floods the client',
    statement: 'MQTT-4.9.0-2', catchers: ['v5.flow-control.client-receive-maximum-qos2'],
    fromClient: (f) => without(connect(f), 'receiveMaximum'),
  },
  {
    name: 'v5-ignore-client-maximum-packet-size',
    description: 'hides the client\'s Maximum Packet Size from the broker, which then sends oversized packets',
    statement: 'MQTT-3.1.2-24', catchers: ['v5.maximum-packet-size.publish-discarded'],
    fromClient: (f) => without(connect(f), 'maximumPacketSize'),
  },
  {
    name: 'v5-topic-alias-beyond-client-maximum',
    description: 'adds a Topic Alias one above the client\'s Topic Alias Maximum to every PUBLISH it receives, only when that maximum is not 0',
    statement: 'MQTT-3.1.2-26', catchers: ['v5.topic-alias.outbound'],
    fromClient: (f, c) => {
      const p = connect(f);
      if (p) c.state.set('aliasMax', p.properties?.topicAliasMaximum ?? 0);
      return undefined;
    },
    fromServer: (f, c) => {
      const p = pub(f, c);
      const max = (c.state.get('aliasMax') as number | undefined) ?? 0;
      return p && max > 0 ? withProps(p, { topicAlias: max + 1 }) : undefined;
    },
  },
  {
    name: 'v5-accept-topic-alias-zero',
    description: 'removes Topic Alias 0 from incoming PUBLISHes, so the Protocol Error goes unnoticed',
    statement: 'MQTT-3.3.2-8', catchers: ['v5.topic-alias.zero'],
    fromClient: (f, c) => {
      const p = pub(f, c);
      return p?.properties?.topicAlias === 0 ? without(p, 'topicAlias') : undefined;
    },
  },
  {
    name: 'v5-drop-subscription-identifier',
    description: 'strips Subscription Identifiers from PUBLISHes sent to v5 clients',
    statement: 'MQTT-3.3.4-3', catchers: ['v5.subscription-identifiers.matching'],
    fromServer: (f, c) => without(pub(f, c), 'subscriptionIdentifier'),
  },
  {
    name: 'v5-ignore-session-expiry',
    description: 'hides the Session Expiry Interval in CONNECT, so every session ends at disconnect',
    statement: 'MQTT-3.1.2-5', catchers: ['v5.session-expiry.kept-while-running'],
    fromClient: (f) => without(connect(f), 'sessionExpiryInterval'),
  },
  {
    name: 'v5-error-disconnect-as-normal',
    description: 'turns every error DISCONNECT the broker sends (reason >= 0x80) into 0x00 Normal disconnection',
    statement: 'MQTT-4.13.1-1', catchers: ['v5.topic-alias.over-maximum'],
    fromServer: (f, c) => (v5(c) && f.packet?.cmd === 'disconnect' && (f.packet.reasonCode ?? 0) >= 0x80 ? { ...f.packet, reasonCode: 0x00 } : undefined),
  },
  {
    // Caught where the broker sends a DISCONNECT at all: Mosquitto 2.0.11 sends none on a session
    // takeover (v5.server-disconnect.session-taken-over saw nothing to check), one on Topic Alias 0.
    name: 'v5-session-expiry-on-server-disconnect',
    description: 'adds a Session Expiry Interval to every DISCONNECT the broker sends',
    statement: 'MQTT-3.14.2-2', catchers: ['v5.topic-alias.zero'],
    fromServer: (f, c) => (v5(c) && f.packet?.cmd === 'disconnect' ? { ...f.packet, properties: { ...f.packet.properties, sessionExpiryInterval: 30 } } : undefined),
  },
  {
    name: 'v5-drop-payload-format-indicator',
    description: 'strips the Payload Format Indicator (only that property) from PUBLISHes sent to v5 clients',
    statement: 'MQTT-3.3.2-4', catchers: ['v5.publish-properties.forwarded-unaltered'],
    fromServer: (f, c) => without(pub(f, c), 'payloadFormatIndicator'),
  },
  {
    name: 'v5-alter-correlation-data',
    description: 'flips the first byte of Correlation Data forwarded to subscribers',
    statement: 'MQTT-3.3.2-16', catchers: ['v5.publish-properties.forwarded-unaltered'],
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
    fromClient: (f, c) => rememberConnect(f, c),
    description: 'adds a Reason String to SUBACK (only SUBACK) even when Request Problem Information is 0',
    statement: 'MQTT-3.1.2-29', catchers: ['v5.reason-codes.no-reason-string-unrequested'],
    fromServer: (f, c) => {
      const p = f.packet;
      if (!v5(c) || p?.cmd !== 'suback' || (connectOf(c)?.properties?.requestProblemInformation ?? true)) return undefined;
      return withProps(p, { reasonString: 'injected' });
    },
  },
  {
    name: 'v5-will-ignores-delay',
    description: 'removes the Will Delay Interval from CONNECT, so the Will is published at once (even if the client reconnects)',
    statement: 'MQTT-3.1.3-9', catchers: ['v5.will.reconnect-cancels'],
    fromClient: (f) => withoutWillProperty(connect(f), 'willDelayInterval'),
  },
  {
    name: 'v5-reuse-assigned-client-id',
    description: 'replaces every Assigned Client Identifier with the same fixed value',
    statement: 'MQTT-3.2.2-16', catchers: ['v5.connack.assigned-client-id'],
    fromServer: (f, c) => {
      const p = connack(f, c);
      return p?.properties?.assignedClientIdentifier ? { ...p, properties: { ...p.properties, assignedClientIdentifier: 'same-for-all' } } : undefined;
    },
  },
  {
    name: 'v5-unrequested-response-information',
    description: 'adds Response Information to every CONNACK, also when the client did not request it',
    statement: 'MQTT-3.1.2-28', catchers: ['v5.connack.no-response-information'],
    fromServer: (f, c) => {
      const p = connack(f, c);
      return p && (p.reasonCode ?? 0) === 0 ? { ...p, properties: { ...p.properties, responseInformation: 'resp/' } } : undefined;
    },
  },
];

/** Every MQTT 5.0 fault `--fault <name>` can inject (they act on v5 connections only). */
export const V5_FAULTS: readonly Fault[] = [...FIRST_V5_FAULTS, ...V5_ACK_FAULTS, ...V5_DELIVERY_FAULTS, ...V5_SESSION_FAULTS, ...V5_MALFORMED_FAULTS, ...V5_TWIN_FAULTS, ...V5_CONNECT_FAULTS]
  .map((f): Fault => ({ ...f, protocol: '5' }));
