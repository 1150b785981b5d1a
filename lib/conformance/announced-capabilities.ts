// What a broker itself says it supports, reconciled with what its descriptor (or profile) claims.
// MQTT 5 brokers announce it in CONNACK properties (3.2.2.3: Maximum QoS, Retain Available,
// Wildcard / Subscription Identifier / Shared Subscription Available); for MQTT 3.1.1 the harness
// watches what the broker does (SUBACK 0x80 for a QoS 2 or wildcard subscription, no retained
// delivery). Tests are not-applicable for a missing capability only when the broker declines it;
// a disagreement with the descriptor either way is a finding. Pure: the probe is capability-probe.ts.
import type { Capabilities, ProtocolVersion } from '../core/broker.ts';

/** Capabilities a broker can announce or show; the rest (TLS, ACLs, ...) come from the descriptor. */
export const ANNOUNCEABLE = ['maxQos', 'retain', 'wildcards', 'sharedSubscriptions', 'subscriptionIdentifiers'] as const;
export type Announceable = (typeof ANNOUNCEABLE)[number];

export interface Announcement<V> {
  value: V;
  /** What the broker sent or did, e.g. "CONNACK Maximum QoS = 1" or "SUBACK 0x80 for a/+/c". */
  evidence: string;
  protocol: ProtocolVersion;
}

export interface AnnouncedCapabilities {
  maxQos?: Announcement<0 | 1 | 2>;
  retain?: Announcement<boolean>;
  wildcards?: Announcement<boolean>;
  sharedSubscriptions?: Announcement<boolean>;
  subscriptionIdentifiers?: Announcement<boolean>;
}

export interface CapabilityContradiction {
  capability: Announceable;
  /** What the descriptor or profile says. */
  declared: string;
  /** What the broker announced or did. */
  announced: string;
  evidence: string;
  protocol: ProtocolVersion;
  /** 'broker-declines': declared yes, the broker said no; 'broker-offers': declared no, the broker said yes. */
  direction: 'broker-declines' | 'broker-offers';
}

export interface Reconciled {
  /** The capabilities tests are gated on: the broker's word where it gave one. */
  effective: Capabilities;
  contradictions: CapabilityContradiction[];
}

const show = (v: boolean | number | undefined): string => (typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));

function declaredOf(c: Capabilities, k: Announceable): boolean | 0 | 1 | 2 | undefined {
  return k === 'maxQos' ? c.maxQos : c[k];
}

export function reconcileCapabilities(declared: Capabilities, announced: AnnouncedCapabilities): Reconciled {
  const effective: Capabilities = { ...declared, notes: { ...declared.notes } };
  const contradictions: CapabilityContradiction[] = [];
  for (const k of ANNOUNCEABLE) {
    const a = announced[k];
    if (!a) continue;
    const d = declaredOf(declared, k);
    if (k === 'maxQos') {
      const value = a.value as 0 | 1 | 2;
      effective.maxQos = value;
      if (d !== undefined && d !== value) {
        contradictions.push({ capability: k, declared: `Maximum QoS ${d}`, announced: `Maximum QoS ${value}`, evidence: a.evidence, protocol: a.protocol, direction: value < (d as number) ? 'broker-declines' : 'broker-offers' });
      }
      continue;
    }
    const value = a.value as boolean;
    effective[k] = value;
    if (!value) effective.notes = { ...effective.notes, [k]: `the broker declines it: ${a.evidence}` };
    else if (effective.notes?.[k]) {
      const { [k]: _dropped, ...rest } = effective.notes;
      effective.notes = rest;
    }
    if (d !== undefined && d !== value) {
      contradictions.push({ capability: k, declared: show(d), announced: show(value), evidence: a.evidence, protocol: a.protocol, direction: value ? 'broker-offers' : 'broker-declines' });
    }
  }
  return { effective, contradictions };
}
