// The standard test policy (lib/policy/test-policy.ts) as per-user allowances: the MQTT topic
// filters each user may publish to and subscribe to (`%u` kept for brokers that expand it). Brokers
// whose ACL is per user (RabbitMQ topic permissions, ejabberd access rules, NanoMQ) render from this.
import { TEST_POLICY, type TestPolicy } from '../policy/test-policy.ts';

export interface BrokerUser {
  username: string;
  password: string;
  /** Absent = anything (the harness's own user for listeners without anonymous access). */
  publish?: string[];
  subscribe?: string[];
}

export function policyUsers(policy: TestPolicy): BrokerUser[] {
  return policy.users.map((u) => {
    const rules = policy.rules.filter((r) => r.user === undefined || r.user === u.name);
    return {
      username: u.name,
      password: u.password,
      publish: rules.filter((r) => r.access !== 'read').map((r) => r.topic),
      subscribe: rules.filter((r) => r.access !== 'write').map((r) => r.topic),
    };
  });
}

export function standardUsers(): BrokerUser[] {
  return policyUsers(TEST_POLICY);
}
