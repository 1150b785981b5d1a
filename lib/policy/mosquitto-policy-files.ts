// Mosquitto renderings of the standard test policy: the 2.x password file and the ACL file.
// Written by the harness itself, no mosquitto_passwd binary needed.
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import type { AclRule, TestPolicy } from './test-policy.ts';

/** mosquitto_passwd's default for the $7$ (PBKDF2-SHA512) format. */
export const MOSQUITTO_PBKDF2_ITERATIONS = 101;

/** One line `user:$7$<iterations>$<base64 12-byte salt>$<base64 64-byte PBKDF2-HMAC-SHA512>`. */
export function mosquittoPasswordLine(user: string, password: string, salt = randomBytes(12), iterations = MOSQUITTO_PBKDF2_ITERATIONS): string {
  const hash = pbkdf2Sync(password, salt, iterations, 64, 'sha512');
  return `${user}:$7$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function renderMosquittoPasswordFile(policy: TestPolicy): string {
  return policy.users.map((u) => mosquittoPasswordLine(u.name, u.password)).join('\n') + '\n';
}

/**
 * mosquitto's ACL file: `user <name>` opens a block of `topic` lines for that user; `pattern` lines
 * (with %u) apply to every user wherever they appear.
 */
export function renderMosquittoAcl(rules: AclRule[]): string {
  const lines = ['# standard test policy (mqtt-broker-harness lib/policy/test-policy.ts)'];
  const users = [...new Set(rules.flatMap((r) => (r.user ? [r.user] : [])))];
  for (const user of users) {
    lines.push(`user ${user}`);
    for (const r of rules.filter((x) => x.user === user)) lines.push(`topic ${r.access} ${r.topic}`);
  }
  for (const r of rules.filter((x) => !x.user)) {
    // A pattern without %u (the allow-all misconfiguration) is still a pattern: it covers every user.
    lines.push(`pattern ${r.access} ${r.topic}`);
  }
  return lines.join('\n') + '\n';
}
