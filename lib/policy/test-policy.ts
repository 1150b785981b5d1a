// The standard test policy, defined once: users, passwords and ACL. Every target renders it into its
// own format (mosquitto password + ACL files, aedes hooks); the auth suite tests against it.
// Semantics follow mosquitto's ACL file: rules grant, nothing else is allowed; `%u` is the user name.
// An external broker's profile may name its own policy instead (the HarnessContext's external.policy).

import type { Access, AclRule, TestPolicy } from '../core/access-policy.ts';

export type { Access, AclRule, TestPolicy, TestUser } from '../core/access-policy.ts';

export const TEST_POLICY: TestPolicy = {
  users: [
    { name: 'alice', password: 'alice-secret' },
    { name: 'bob', password: 'bob-secret' },
  ],
  rules: [
    { user: 'alice', access: 'readwrite', topic: 'alice/#' },
    { user: 'alice', access: 'read', topic: 'public/#' },
    { user: 'bob', access: 'readwrite', topic: 'bob/#' },
    { access: 'readwrite', topic: 'users/%u/#' },
  ],
};

/** MQTT topic-filter matching (spec 4.7): `+` one level, `#` this level and below. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

const grants = (access: Access, wanted: 'read' | 'write') => access === 'readwrite' || access === wanted;

/**
 * May `user` read or write `topic`? For a subscription, `topic` is the filter itself, matched as
 * mosquitto does: the filter must lie inside a readable rule (so `#` by a restricted user is refused).
 */
export function policyAllows(policy: TestPolicy, user: string | undefined, topic: string, wanted: 'read' | 'write'): boolean {
  if (!user) return false;
  return policy.rules.some((r) => {
    if (r.user !== undefined && r.user !== user) return false;
    if (!grants(r.access, wanted)) return false;
    return topicMatches(r.topic.replaceAll('%u', user), topic);
  });
}

export function checkPassword(policy: TestPolicy, user: string | undefined, password: string | undefined): boolean {
  if (!user || password === undefined) return false;
  return policy.users.some((u) => u.name === user && u.password === password);
}

/** Everything-allowed ACL for the misconfiguration self-test. */
export const ALLOW_ALL_RULES: AclRule[] = [{ access: 'readwrite', topic: '#' }];
