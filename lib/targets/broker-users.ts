// The standard test policy as broker users: name, password, and the MQTT topic filters each may
// publish to and subscribe to (`%u` = the user's own name). Provisional copy of the policy until
// lib/policy/ lands (TLS and auth issue), then rendered from it.
export interface BrokerUser {
  username: string;
  password: string;
  /** Absent = anything (the harness's own user). */
  publish?: string[];
  subscribe?: string[];
}

export function standardUsers(): BrokerUser[] {
  return [
    { username: 'alice', password: 'alice-secret', publish: ['alice/#', 'users/%u/#'], subscribe: ['alice/#', 'public/#', 'users/%u/#'] },
    { username: 'bob', password: 'bob-secret', publish: ['bob/#', 'users/%u/#'], subscribe: ['bob/#', 'users/%u/#'] },
  ];
}
