// The shape of an access policy (users, passwords, ACL rules), shared by the standard test policy
// (lib/policy/test-policy.ts) and an external broker's profile, so the HarnessContext can carry either.
// Semantics follow mosquitto's ACL file: rules grant, nothing else is allowed; `%u` is the user name.

export type Access = 'read' | 'write' | 'readwrite';

export interface AclRule {
  /** Absent = a pattern rule for every authenticated user (may use %u). */
  user?: string;
  access: Access;
  topic: string;
}

export interface TestUser {
  name: string;
  password: string;
}

export interface TestPolicy {
  users: TestUser[];
  rules: AclRule[];
}
