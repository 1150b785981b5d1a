import { describe, expect, test } from 'vitest';
import type { Capabilities } from '../core/broker.ts';
import { reconcileCapabilities } from './announced-capabilities.ts';

const declared: Capabilities = {
  protocols: ['3.1.1', '5'], maxQos: 2, retain: true, wildcards: true, sharedSubscriptions: false, sysTopics: true,
  willMessages: true, persistentSessions: true, tls: true, clientCertificates: true, crl: true, passwordAuth: true, acl: true,
  notes: { sharedSubscriptions: 'descriptor says no' },
};

describe('reconcileCapabilities', () => {
  test('agreement: effective equals declared, no contradiction', () => {
    const r = reconcileCapabilities(declared, { retain: { value: true, evidence: 'CONNACK Retain Available = 1', protocol: '5' } });
    expect(r.contradictions).toEqual([]);
    expect(r.effective.retain).toBe(true);
  });
  test('the broker offers what the descriptor denies: the tests run, and it is a contradiction', () => {
    const r = reconcileCapabilities(declared, { sharedSubscriptions: { value: true, evidence: 'CONNACK has no Shared Subscription Available (available)', protocol: '5' } });
    expect(r.effective.sharedSubscriptions).toBe(true);
    expect(r.effective.notes?.sharedSubscriptions).toBeUndefined();
    expect(r.contradictions).toEqual([expect.objectContaining({ capability: 'sharedSubscriptions', direction: 'broker-offers', declared: 'no', announced: 'yes' })]);
  });
  test('the broker declines what the descriptor claims: not-applicable with the evidence, and a contradiction', () => {
    const r = reconcileCapabilities(declared, { wildcards: { value: false, evidence: 'SUBACK 0x80 for a/+/w', protocol: '3.1.1' } });
    expect(r.effective.wildcards).toBe(false);
    expect(r.effective.notes?.wildcards).toBe('the broker declines it: SUBACK 0x80 for a/+/w');
    expect(r.contradictions[0]).toMatchObject({ capability: 'wildcards', direction: 'broker-declines' });
  });
  test('Maximum QoS lower than declared is a decline; the effective maximum is the broker\'s', () => {
    const r = reconcileCapabilities(declared, { maxQos: { value: 1, evidence: 'CONNACK Maximum QoS = 1', protocol: '5' } });
    expect(r.effective.maxQos).toBe(1);
    expect(r.contradictions[0]).toMatchObject({ capability: 'maxQos', direction: 'broker-declines', declared: 'Maximum QoS 2', announced: 'Maximum QoS 1' });
  });
});
