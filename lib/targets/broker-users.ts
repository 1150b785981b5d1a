// The standard test policy (lib/policy/test-policy.ts) as per-user allowances: the MQTT topic
// filters each user may publish to and subscribe to (`%u` kept for brokers that expand it). Brokers
// whose ACL is per user (RabbitMQ topic permissions, ejabberd access rules, NanoMQ) render from this.
import { randomBytes } from 'node:crypto';
import { TEST_POLICY, type TestPolicy } from '../policy/test-policy.ts';
import type { ListenerName } from '../core/broker.ts';

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

/**
 * The harness's own user, allowed everything, with a fresh password per broker start: for listeners
 * of brokers without anonymous access (ejabberd) or with one node-wide switch for it (RabbitMQ,
 * VerneMQ, NanoMQ), where test clients that bring no user name log in as it.
 */
export function harnessUser(): BrokerUser {
  return { username: 'harness', password: randomBytes(12).toString('hex') };
}

/** `user`'s credentials on each of `listeners` (ListenerInfo.credentials), for ContainerPlan.credentials and local starts alike. */
export function credentialsOn(user: BrokerUser, listeners: readonly ListenerName[]): Partial<Record<ListenerName, { username: string; password: string }>> {
  return Object.fromEntries(listeners.map((n) => [n, { username: user.username, password: user.password }]));
}
