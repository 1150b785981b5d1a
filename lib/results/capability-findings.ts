// A broker whose own announcement contradicts its descriptor or profile is a finding, both ways
// (issue "No false pass"): claiming a capability the broker declines hides tests behind
// not-applicable-by-descriptor; denying one it offers hides tests the broker could be held to.
import type { Finding, TargetRecord } from './types.ts';

export function contradictionFindings(targets: readonly TargetRecord[]): Finding[] {
  return targets.flatMap((t) => (t.capabilityContradictions ?? []).map((c): Finding => {
    const source = t.driver === 'external' ? 'profile' : 'descriptor';
    return {
      target: t.name,
      severity: 'low',
      title: c.direction === 'broker-declines' ? `capability declined: ${c.capability}` : `capability offered but not declared: ${c.capability}`,
      detail: c.direction === 'broker-declines'
        ? `The ${source} says ${c.declared}, but the broker declines it (MQTT ${c.protocol}: ${c.evidence}). Its tests are not-applicable on the broker's word; fix the ${source} or the broker.`
        : `The ${source} says ${c.declared}, but the broker offers it (MQTT ${c.protocol}: ${c.evidence}). Its tests now run; declare it in the ${source}.`,
      tests: [],
    };
  }));
}
