// MQTT 5.0 faults in the acknowledgements: properties that push an ack past the client's Maximum
// Packet Size, reason codes from another packet's table, SUBACK/UNSUBACK codes out of order or
// missing, wrong packet identifiers. Each acts in one case only (one packet type, one condition),
// the way real broker bugs do, and names the one test that must catch it on an assertion.
import type { ISubackPacket, IUnsubackPacket, Packet } from 'mqtt-packet';
import type { ProxyConnection, Verdict } from './fault.ts';
import { connectOf, count, ofType, rememberConnect, sub, v5, withProps, type V5Fault } from './v5-fault-kit.ts';

/** The acknowledgements a server sends that a client's Maximum Packet Size limits, with the statements of their two optional properties. */
const LIMITED_ACKS = [
  ['connack', 'MQTT-3.2.2-19', 'MQTT-3.2.2-20'],
  ['puback', 'MQTT-3.4.2-2', 'MQTT-3.4.2-3'],
  ['pubrec', 'MQTT-3.5.2-2', 'MQTT-3.5.2-3'],
  ['pubrel', 'MQTT-3.6.2-2', 'MQTT-3.6.2-3'],
  ['pubcomp', 'MQTT-3.7.2-2', 'MQTT-3.7.2-3'],
  ['suback', 'MQTT-3.9.2-1', 'MQTT-3.9.2-2'],
  ['unsuback', 'MQTT-3.11.2-1', 'MQTT-3.11.2-2'],
  ['disconnect', 'MQTT-3.14.2-3', 'MQTT-3.14.2-4'],
] as const;

/** Client limits this small are the "at a size limit" case: the padding below exceeds them. */
const SMALL_LIMIT_BYTES = 64;
const PADDING = 'x'.repeat(SMALL_LIMIT_BYTES);

function oversized(cmd: (typeof LIMITED_ACKS)[number][0], statement: string, property: 'reasonString' | 'userProperties'): V5Fault {
  const what = property === 'reasonString' ? 'a Reason String' : 'a User Property';
  return {
    name: `v5-oversize-${cmd}-${property === 'reasonString' ? 'reason-string' : 'user-property'}`,
    description: `adds ${what} to every ${cmd.toUpperCase()} that pushes it past the client's Maximum Packet Size, only when that limit is below ${SMALL_LIMIT_BYTES} bytes`,
    statement,
    catchers: [`v5.maximum-packet-size.within-limit.${cmd}`],
    fromClient: (f, c) => rememberConnect(f, c),
    fromServer: (f, c) => {
      const p = ofType(f, c, cmd);
      const limit = connectOf(c)?.properties?.maximumPacketSize;
      if (!p || limit === undefined || limit >= SMALL_LIMIT_BYTES) return undefined;
      return withProps(p, property === 'reasonString' ? { reasonString: PADDING } : { userProperties: { padding: PADDING } });
    },
  };
}

const OVERSIZE_FAULTS: V5Fault[] = LIMITED_ACKS.flatMap(([cmd, rs, up]) => [oversized(cmd, rs, 'reasonString'), oversized(cmd, up, 'userProperties')]);

/** A fault that rewrites one packet type from the broker; its catcher checks that type's Reason Code table. */
function recode<C extends 'puback' | 'pubrec' | 'pubrel' | 'pubcomp' | 'suback' | 'unsuback'>(
  name: string, statement: string, cmd: C, description: string,
  change: (p: Extract<Packet, { cmd: C }>, c: ProxyConnection) => Verdict,
): V5Fault {
  return {
    name, description, statement, catchers: [`v5.reason-codes.table.${cmd}`],
    fromServer: (f, c) => { const p = ofType(f, c, cmd); return p ? change(p, c) : undefined; },
  };
}

const TABLE_FAULTS: V5Fault[] = [
  recode('v5-puback-code-from-pubcomp-table', 'MQTT-3.4.2-1', 'puback', 'answers the first QoS 1 PUBLISH of each connection with PUBACK 0x92 (a PUBCOMP code)',
    (p, c) => (count(c, 'puback') === 1 ? { ...p, reasonCode: 0x92 } : undefined)),
  recode('v5-pubrec-code-from-pubcomp-table', 'MQTT-3.5.2-1', 'pubrec', 'answers the first QoS 2 PUBLISH of each connection with PUBREC 0x92 (a PUBCOMP code)',
    (p, c) => (count(c, 'pubrec') === 1 ? { ...p, reasonCode: 0x92 } : undefined)),
  recode('v5-pubrel-code-from-puback-table', 'MQTT-3.6.2-1', 'pubrel', 'sends PUBREL with 0x10 (a PUBACK code) for the deliveries it completes',
    (p) => ({ ...p, reasonCode: 0x10 })),
  {
    name: 'v5-pubcomp-unknown-id-code', statement: 'MQTT-3.7.2-1', catchers: ['v5.reason-codes.table.pubcomp'],
    description: 'answers a PUBREL for a Packet Identifier it never acknowledged with PUBREC by PUBCOMP 0x10 (a PUBACK code)',
    fromServer: (f, c) => {
      const seen = (c.state.get('pubrecIds') as Set<number> | undefined) ?? new Set<number>();
      c.state.set('pubrecIds', seen);
      const rec = ofType(f, c, 'pubrec');
      if (rec) seen.add(rec.messageId!);
      const p = ofType(f, c, 'pubcomp');
      return p && !seen.has(p.messageId!) ? { ...p, reasonCode: 0x10 } : undefined;
    },
  },
  recode('v5-suback-qos2-as-3', 'MQTT-3.9.3-2', 'suback', 'grants a QoS 2 subscription with SUBACK code 0x03 (no such Subscribe Reason Code)',
    (p) => (p.granted.includes(2) ? { ...p, granted: p.granted.map((g) => (g === 2 ? 3 : g)) } as ISubackPacket : undefined)),
  recode('v5-unsuback-no-subscription-code', 'MQTT-3.11.3-2', 'unsuback', 'answers an unknown filter in UNSUBSCRIBE with 0x10 (a PUBACK code) instead of 0x11',
    (p) => { const g = unsubackCodes(p); return g.includes(0x11) ? { ...p, granted: g.map((x) => (x === 0x11 ? 0x10 : x)) } as IUnsubackPacket : undefined; }),
];
function unsubackCodes(p: IUnsubackPacket): number[] {
  return (p as IUnsubackPacket & { granted?: number[] }).granted ?? [];
}

const multi = (codes: number[] | undefined): boolean => (codes?.length ?? 0) > 1;

/** Faults in the shape of SUBACK/UNSUBACK (order, count, one packet per request); caught by v5.reason-codes.per-table. */
function shaped(name: string, statement: string, description: string, change: (p: ISubackPacket | IUnsubackPacket, codes: number[]) => Verdict): V5Fault {
  return {
    name, description, statement, catchers: ['v5.reason-codes.per-table'],
    fromServer: (f, c) => {
      const p = ofType(f, c, 'suback') ?? ofType(f, c, 'unsuback');
      const codes = p && (p.cmd === 'suback' ? p.granted as number[] : unsubackCodes(p));
      return p && multi(codes) && (name.includes('unsuback') === (p.cmd === 'unsuback')) ? change(p, codes!) : undefined;
    },
  };
}

const SHAPE_FAULTS: V5Fault[] = [
  shaped('v5-suback-codes-reversed', 'MQTT-3.9.3-1', 'lists the SUBACK codes of a multi-filter SUBSCRIBE in reverse filter order',
    (p, codes) => ({ ...p, granted: [...codes].reverse() }) as Packet),
  shaped('v5-suback-drops-last-code', 'MQTT-3.8.4-6', 'leaves the code of the last filter out of the SUBACK for a SUBSCRIBE with more than one filter',
    (p, codes) => ({ ...p, granted: codes.slice(0, -1) }) as Packet),
  shaped('v5-suback-split', 'MQTT-3.8.4-5', 'answers a multi-filter SUBSCRIBE with one SUBACK per filter instead of one SUBACK',
    (p, codes) => codes.map((g) => ({ ...p, granted: [g] }) as Packet)),
  shaped('v5-suback-grants-qos2-for-qos1', 'MQTT-3.8.4-7', 'reports QoS 2 granted where it granted QoS 1, only in a SUBACK with more than one code',
    (p, codes) => ({ ...p, granted: codes.map((g) => (g === 1 ? 2 : g)) }) as Packet),
  shaped('v5-unsuback-codes-reversed', 'MQTT-3.11.3-1', 'lists the UNSUBACK codes of a multi-filter UNSUBSCRIBE in reverse filter order',
    (p, codes) => ({ ...p, granted: [...codes].reverse() }) as Packet),
  shaped('v5-unsuback-drops-last-code', 'MQTT-3.10.4-6', 'leaves the code of the last filter out of the UNSUBACK for an UNSUBSCRIBE with more than one filter',
    (p, codes) => ({ ...p, granted: codes.slice(0, -1) }) as Packet),
];

const WILDCARD = /[+#]/;

/** Packet identifiers of the SUBSCRIBEs (or UNSUBSCRIBEs) of a connection that name a wildcard filter. */
function wildcardIds(c: ProxyConnection, key: string): Set<number> {
  const ids = (c.state.get(key) as Set<number> | undefined) ?? new Set<number>();
  c.state.set(key, ids);
  return ids;
}

const ID_FAULTS: V5Fault[] = [
  {
    name: 'v5-suback-wrong-id-for-wildcard',
    description: 'answers a SUBSCRIBE with a wildcard filter with a SUBACK carrying another Packet Identifier',
    statement: 'MQTT-3.8.4-2', catchers: ['v5.delivery.suback-unsuback-ids'],
    fromClient: (f, c) => {
      const p = sub(f, c);
      if (p?.subscriptions.some((s) => WILDCARD.test(s.topic))) wildcardIds(c, 'wildSubs').add(p.messageId!);
      return undefined;
    },
    fromServer: (f, c) => {
      const p = ofType(f, c, 'suback');
      return p && wildcardIds(c, 'wildSubs').has(p.messageId!) ? { ...p, messageId: (p.messageId! % 65535) + 1 } : undefined;
    },
  },
  {
    name: 'v5-unsuback-wrong-id-when-nothing-removed',
    description: 'answers an UNSUBSCRIBE that removed nothing (code 0x11) with an UNSUBACK carrying another Packet Identifier',
    statement: 'MQTT-3.10.4-5', catchers: ['v5.delivery.suback-unsuback-ids'],
    fromServer: (f, c) => {
      const p = ofType(f, c, 'unsuback');
      return p && unsubackCodes(p).every((g) => g === 0x11) ? { ...p, messageId: (p.messageId! % 65535) + 1 } : undefined;
    },
  },
  {
    name: 'v5-ignore-wildcard-unsubscribe',
    description: 'acknowledges an UNSUBSCRIBE whose filters all have wildcards (UNSUBACK 0x00) without removing the subscription',
    statement: 'MQTT-3.10.4-2', catchers: ['v5.delivery.suback-unsuback-ids'],
    fromClient: (f, c) => {
      const p = ofType(f, c, 'unsubscribe');
      if (!p || !v5(c) || !p.unsubscriptions.every((u) => WILDCARD.test(u))) return undefined;
      c.toClient({ cmd: 'unsuback', messageId: p.messageId!, granted: p.unsubscriptions.map(() => 0), properties: {} } as unknown as Packet);
      return 'drop';
    },
  },
];

export const V5_ACK_FAULTS: readonly V5Fault[] = [...OVERSIZE_FAULTS, ...TABLE_FAULTS, ...SHAPE_FAULTS, ...ID_FAULTS];
