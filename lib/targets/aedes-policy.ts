// aedes rendering of the standard test policy (lib/policy/test-policy.ts): per-listener hooks.
// auth listener: password check; mtls listener: the client certificate's CN is the user (the TLS
// server already refused bad certificates). Both: publish/subscribe ACL, and a forward filter so a
// granted wildcard subscription delivers only what the user may read.
import type tls from 'node:tls';
import type { Client } from 'aedes';
import type { AedesListenerHooks } from './aedes-broker.ts';
import { checkPassword, policyAllows, type TestPolicy } from '../policy/test-policy.ts';
import { policyUnder } from '../policy/misconfiguration.ts';
import type { MisconfigurationName } from '../core/misconfiguration-name.ts';

/** TEST-ONLY (password-lockout): after this many bad passwords a user name is refused for LOCKOUT_MS, right password or not. */
const LOCKOUT_AFTER = 10;
const LOCKOUT_MS = 60_000;

/** aedes turns an error's returnCode into the CONNACK code (3.1.1: 4 bad credentials, 5 not authorized). */
function refusal(returnCode: 4 | 5, message: string): Error & { returnCode: number } {
  return Object.assign(new Error(message), { returnCode });
}

export function aedesPolicyHooks(misconfig?: MisconfigurationName): AedesListenerHooks {
  const policy: TestPolicy = policyUnder(misconfig);
  const badPasswords = new Map<string, { count: number; lockedUntil: number }>();
  const users = new WeakMap<Client, string>();
  const userOf = (client: Client | null) => (client ? users.get(client) : undefined);

  const authenticatePassword: NonNullable<AedesListenerHooks['authenticate']>['auth'] = (client, username, password, done) => {
    if (!username) return done(refusal(5, 'anonymous clients are not allowed'), false);
    const record = badPasswords.get(username) ?? { count: 0, lockedUntil: 0 };
    if (record.lockedUntil > Date.now()) return done(refusal(5, `${username} is locked out`), false);
    const ok = misconfig === 'any-password' || checkPassword(policy, username, password?.toString());
    if (!ok) {
      if (misconfig === 'password-lockout' && ++record.count >= LOCKOUT_AFTER) badPasswords.set(username, { count: 0, lockedUntil: Date.now() + LOCKOUT_MS });
      else if (misconfig === 'password-lockout') badPasswords.set(username, record);
      return done(refusal(4, 'bad user name or password'), false);
    }
    users.set(client, username);
    done(null, true);
  };
  const authenticateCertificate: NonNullable<AedesListenerHooks['authenticate']>['mtls'] = (client, _username, _password, done) => {
    const cn = (client.conn as unknown as tls.TLSSocket).getPeerCertificate?.()?.subject?.CN;
    if (!cn) return done(refusal(5, 'no client certificate identity'), false);
    users.set(client, Array.isArray(cn) ? cn[0]! : cn);
    done(null, true);
  };
  const authorizePublish: NonNullable<AedesListenerHooks['authorizePublish']>['auth'] = (client, packet, done) => {
    // 3.1.1 has no negative PUBACK: aedes closes the connection on an error [MQTT-3.3.5-2 allows this].
    done(policyAllows(policy, userOf(client), packet.topic, 'write') ? null : new Error(`publish to ${packet.topic} not authorized`));
  };
  const authorizeSubscribe: NonNullable<AedesListenerHooks['authorizeSubscribe']>['auth'] = (client, sub, done) => {
    // null negates the subscription: SUBACK 0x80.
    done(null, policyAllows(policy, userOf(client), sub.topic, 'read') ? sub : null);
  };
  const authorizeForward: NonNullable<AedesListenerHooks['authorizeForward']>['auth'] = (client, packet) =>
    (policyAllows(policy, userOf(client), packet.topic, 'read') ? packet : undefined);

  return {
    authenticate: { auth: authenticatePassword, mtls: authenticateCertificate },
    authorizePublish: { auth: authorizePublish, mtls: authorizePublish },
    authorizeSubscribe: { auth: authorizeSubscribe, mtls: authorizeSubscribe },
    authorizeForward: { auth: authorizeForward, mtls: authorizeForward },
  };
}
