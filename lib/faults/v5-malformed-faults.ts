// MQTT 5.0 faults of a broker that is lenient with one kind of malformed client packet: it ignores
// or "repairs" that one defect instead of sending DISCONNECT (or CONNACK) with an error and closing.
// Their catchers are the vectors of fixtures/vectors/v5-malformed.json, whose mismatches fail as
// assertions (suites/conformance/vectors.test.ts). Where the 3.1.1 catalogue has the same bug
// (faults-311-malformed.ts), the v5 fault is its twin on v5 connections; every valid packet passes.
import { readVarint, type Frame } from '../mqtt/frames.ts';
import type { Fault } from './fault.ts';
import { body, filtersOf, headerLength, ignores, rawTopic, repairs, withByte, type Defect } from './fault-helpers.ts';
import { MALFORMED_311_FAULTS } from './faults-311-malformed.ts';
import { connect, onV5, pub, twinOf, without, type V5Fault } from './v5-fault-kit.ts';

const twin = (name: string, statement: string, catchers: string[], alsoWhen?: Defect) => twinOf(MALFORMED_311_FAULTS, name, statement, catchers, alsoWhen);

const v5Ignores = (name: string, statement: string, catchers: string[], what: string, defect: Defect): Fault =>
  ignores(name, statement, catchers, what, (f, c) => onV5(f, c) && defect(f, c));

const vector = (name: string) => `vector.v5-malformed.${name}`;

/** Offset in the body of a v5 PUBLISH where its Property Length starts. */
const publishPropsAt = (f: Frame) => 2 + rawTopic(f).length + (((f.flags >> 1) & 3) > 0 ? 2 : 0);

export const V5_MALFORMED_FAULTS: readonly V5Fault[] = [
  twin('ignore-surrogate-in-topic', 'MQTT-1.5.4-1', [vector('publish-topic-surrogate')]),
  twin('ignore-null-in-topic', 'MQTT-1.5.4-2', [vector('publish-topic-null-char')]),
  twin('ignore-ill-formed-topic', 'MQTT-3.3.2-1', [vector('publish-topic-bad-utf8')]),
  twin('ignore-plus-in-topic-name', 'MQTT-3.3.2-2', [vector('publish-topic-plus')]),
  // v5 allows a zero-length Topic Name when a Topic Alias stands for it (3.3.2.3.4): only without one.
  twin('ignore-empty-topic-name', 'MQTT-4.7.3-1', [vector('publish-topic-empty-no-alias')], (f, c) => pub(f, c)?.properties?.topicAlias === undefined),
  twin('ignore-publish-qos-3', 'MQTT-3.3.1-4', [vector('publish-qos-3')]),
  twin('ignore-plus-inside-level', 'MQTT-4.7.1-2', [vector('subscribe-filter-plus-in-level')]),
  twin('accept-subscribe-header-flags', 'MQTT-3.8.1-1', [vector('subscribe-fixed-header-flags')]),
  twin('accept-unsubscribe-header-flags', 'MQTT-3.10.1-1', [vector('unsubscribe-fixed-header-flags')]),
  twin('accept-pubrel-header-flags', 'MQTT-3.6.1-1', [vector('pubrel-fixed-header-flags')]),
  twin('accept-other-protocol-name', 'MQTT-3.1.2-1', [vector('connect-protocol-name-mqtx')]),
  twin('accept-reserved-connect-flag', 'MQTT-3.1.2-3', [vector('connect-reserved-flag')]),
  v5Ignores('v5-ignore-reserved-header-flags', 'MQTT-2.1.3-1',
    [vector('pubrel-fixed-header-flags'), vector('subscribe-fixed-header-flags'), vector('unsubscribe-fixed-header-flags')],
    'a PUBREL, SUBSCRIBE or UNSUBSCRIBE whose reserved fixed-header flags are not 0010', (f) => [6, 8, 10].includes(f.type) && f.flags !== 2),
  v5Ignores('v5-ignore-auth-header-flags', 'MQTT-3.15.1-1', [vector('auth-fixed-header-flags')],
    'an AUTH whose fixed-header flags are not 0000', (f) => f.type === 15 && f.flags !== 0),
  v5Ignores('v5-ignore-subscribe-without-filter', 'MQTT-3.8.3-2', [vector('subscribe-no-filter')],
    'a SUBSCRIBE that carries no Topic Filter', (f) => f.type === 8 && filtersOf(f, 5).length === 0),
  v5Ignores('v5-ignore-unsubscribe-without-filter', 'MQTT-3.10.3-2', [vector('unsubscribe-no-filter')],
    'an UNSUBSCRIBE that carries no Topic Filter', (f) => f.type === 10 && filtersOf(f, 5).length === 0),
  v5Ignores('v5-ignore-property-length-overrun', 'MQTT-2.2.2-1', [vector('publish-property-length-overrun')],
    'a PUBLISH whose Property Length runs past the end of the packet', (f) => {
      if (f.type !== 3) return false;
      const b = body(f);
      const props = readVarint(b, publishPropsAt(f));
      return !props || props.next + props.value > b.length;
    }),
  repairs('v5-accept-retain-handling-3', 'MQTT-3.8.3-5', [vector('subscribe-retain-handling-3')],
    'a single-filter SUBSCRIBE with Retain Handling 3 (as Retain Handling 2)', (f, c) => onV5(f, c) && f.type === 8 && filtersOf(f, 5).length === 1 && (f.bytes.at(-1)! & 0x30) === 0x30,
    (f) => withByte(f, f.bytes.length - 1, f.bytes.at(-1)! & ~0x10)),
  {
    // A C-string bug: the topic is cut at its first U+0000, and the message is published to what is left.
    name: 'v5-truncate-topic-at-null', statement: 'MQTT-4.7.3-2', catchers: [vector('publish-topic-null-char')],
    description: 'accepts a PUBLISH whose Topic Name contains U+0000 and publishes it to the topic cut at that character',
    fromClient: (f, c) => { const p = pub(f, c); return p?.topic.includes('\0') ? { ...p, topic: p.topic.split('\0')[0]! } : undefined; },
  },
  {
    name: 'v5-plus-in-topic-name-as-literal', statement: 'MQTT-4.7.0-1', catchers: [vector('publish-topic-plus')],
    description: "accepts a PUBLISH whose Topic Name contains '+' and publishes it with '+' replaced by '_' (a wildcard taken as a literal)",
    fromClient: (f, c) => {
      if (!onV5(f, c) || f.type !== 3 || !rawTopic(f).includes(0x2b)) return undefined;
      const b = Buffer.from(f.bytes);
      const at = headerLength(b) + 2;
      for (let i = at; i < at + rawTopic(f).length; i++) if (b[i] === 0x2b) b[i] = 0x5f;
      return b;
    },
  },
  {
    // An off-by-one limit check: "Receive Maximum < 1" written as "< 0", so 0 counts as absent (65,535).
    name: 'v5-accept-receive-maximum-0', statement: 'MQTT-3.1.4-1', catchers: [vector('connect-receive-maximum-0')],
    description: 'accepts a CONNECT with Receive Maximum 0 (a Protocol Error) as if it carried no Receive Maximum',
    fromClient: (f) => { const p = connect(f); return p?.properties?.receiveMaximum === 0 ? without(p, 'receiveMaximum') : undefined; },
  },
];
