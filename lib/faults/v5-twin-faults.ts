// MQTT 5.0 twins of 3.1.1 faults: the same broker bug (lose the queued QoS 2 message on resume, keep
// the old connection on take-over, cut a Will, drop every tenth message, ...) on v5 connections only,
// caught by the v5 runs of the tests shared by both protocols (suites/conformance/*.test.ts without
// the v5- prefix), and counted against the statement's MQTT 5 number. Plus v5-only faults for the
// same shared tests, CONNACK and Topic Alias details, and one only for payloads over 1 KiB.
import type { Fault } from './fault.ts';
import { SESSION_311_FAULTS } from './faults-311-session.ts';
import { DELIVERY_311_FAULTS } from './faults-311-delivery.ts';
import { FLOW_311_FAULTS } from './faults-311-flows.ts';
import { RETAIN_311_FAULTS } from './faults-311-retain.ts';
import { connack, connect, count, pub, twinOf, without, withProps, type V5Fault } from './v5-fault-kit.ts';

const ALL_311: readonly Fault[] = [...SESSION_311_FAULTS, ...DELIVERY_311_FAULTS, ...FLOW_311_FAULTS, ...RETAIN_311_FAULTS];
const twin = (name: string, statement: string, catchers: string[]) => twinOf(ALL_311, name, statement, catchers);

/** Counts CONNECTs since the proxy started (for the cold-start fault). */
let connectsSinceStart = 0;

export const V5_TWIN_FAULTS: readonly V5Fault[] = [
  twin('takeover-keeps-old-connection', 'MQTT-3.1.4-3', ['connect.takeover']),
  twin('forward-will-on-disconnect', 'MQTT-3.1.2-10', ['will.none-after-disconnect']),
  twin('drop-will-on-abnormal-close', 'MQTT-3.1.2-8', ['will.published-on-drop']),
  twin('answer-keepalive-itself', 'MQTT-3.1.2-22', ['connect.keep-alive']),
  twin('drop-every-tenth-publish', 'MQTT-4.6.0-5', ['publish.order']),
  twin('qos0-with-packet-id', 'MQTT-2.2.1-2', ['publish.dup-not-propagated']),
  twin('rewrite-wildcard-delivered-topic', 'MQTT-3.3.2-3', ['subscribe.wildcards']),
  twin('duplicate-inbound-qos2', 'MQTT-4.3.3-10', ['publish.qos2-from-publisher']),
  twin('drop-pubrel-after-unsubscribe', 'MQTT-3.10.4-3', ['subscribe.unsubscribe-completes-qos2']),
  twin('dup-after-puback-dropped', 'MQTT-4.3.2-4', ['publish.qos1-id-reuse']),
  twin('store-empty-retained', 'MQTT-3.3.1-7', ['retain.empty-removes']),
  twin('no-retained-on-resubscribe', 'MQTT-3.8.4-4', ['retain.resubscribe-resends']),
  twin('no-unsuback-for-two-filters', 'MQTT-3.10.4-4', ['subscribe.unsubscribe-two-filters']),
  twin('unsubscribe-covering-filter', 'MQTT-3.10.4-1', ['subscribe.unsubscribe-exact-match']),
  twin('lose-queued-qos1-on-resume', 'MQTT-3.1.3-2', ['connect.persistent-session-queues']),
  twin('lose-queued-qos2-on-resume', 'MQTT-4.5.0-1', ['arrangements.session.persistent.exact.disconnect.subscribed-2']),
  {
    // The 3.1.1 cold-start-unavailable with the v5 reason code (0x88 Server unavailable).
    name: 'v5-cold-start-unavailable', statement: 'MQTT-3.1.4-4', catchers: ['connect.plain-accepted'],
    description: 'answers the first v5 CONNECT after start with CONNACK 0x88 (Server unavailable) although it accepted it',
    fromClient: (f) => { if (connect(f)) connectsSinceStart++; },
    fromServer: (f, c) => {
      const p = connack(f, c);
      return p && (p.reasonCode ?? 0) === 0 && connectsSinceStart === 1 && !p.sessionPresent ? { ...p, reasonCode: 0x88 } : undefined;
    },
  },
  {
    // A flags byte assembled from a stale value: bit 1 (reserved) left set where Session Present is 0.
    name: 'v5-connack-reserved-flag-on-clean-start', statement: 'MQTT-3.2.2-1', catchers: ['v5.connack.clean-connect'],
    description: 'sets the reserved Acknowledge Flags bit 1 in a CONNACK whose Session Present is 0',
    fromServer: (f, c) => {
      const p = connack(f, c);
      if (!p || p.sessionPresent) return undefined;
      const b = Buffer.from(f.bytes);
      b[2] = b[2]! | 0x02;
      return b;
    },
  },
  {
    name: 'v5-assigned-client-id-empty', statement: 'MQTT-3.1.3-6', catchers: ['v5.connack.assigned-client-id'],
    description: 'accepts a zero-length Client Identifier but returns an empty Assigned Client Identifier (no id generated)',
    fromServer: (f, c) => {
      const p = connack(f, c);
      return p?.properties?.assignedClientIdentifier ? withProps(p, { assignedClientIdentifier: '' }) : undefined;
    },
  },
  {
    // A large-message path (over 1 KiB) that rebuilds the properties and forgets the Payload Format Indicator.
    name: 'v5-large-payload-loses-format-indicator', statement: 'MQTT-3.3.2-4', catchers: ['v5.publish-properties.forwarded-unaltered-large'],
    description: 'strips the Payload Format Indicator from PUBLISHes sent to v5 clients, only when the payload is over 1 KiB',
    fromServer: (f, c) => { const p = pub(f, c); return p && p.payload.length > 1024 ? without(p, 'payloadFormatIndicator') : undefined; },
  },
  {
    // An alias allocator that never recycles and never checks the client's limit.
    name: 'v5-topic-alias-never-recycled', statement: 'MQTT-3.3.2-11', catchers: ['v5.topic-alias.outbound'],
    description: 'gives every PUBLISH to a client with a Topic Alias Maximum a new alias (1, 2, 3, ...), past that maximum',
    fromClient: (f, c) => { const p = connect(f); if (p) c.state.set('aliasMax', p.properties?.topicAliasMaximum ?? 0); },
    fromServer: (f, c) => {
      const p = pub(f, c);
      return p && ((c.state.get('aliasMax') as number | undefined) ?? 0) > 0 ? withProps(p, { topicAlias: count(c, 'alias') }) : undefined;
    },
  },
];
