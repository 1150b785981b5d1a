// Clients for the auth suite: users of the assumed policy (an external profile's, else the standard test policy) on the auth listener, alice by
// certificate on the mtls listener, and an anonymous observer on the plain listener that subscribes
// to everything — "not delivered to any subscriber" is checked there.
import fs from 'node:fs';
import { onTestFinished, type TestContext } from 'vitest';
import type { IClientOptions, MqttClient } from 'mqtt';
import { connectClient, endClient, MessageLog, type ReceivedMessage } from '../../lib/mqtt/test-client.ts';
import type tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { policyAllows, TEST_POLICY, type TestPolicy } from '../../lib/policy/test-policy.ts';
import type { ListenerInfo, ProtocolVersion } from '../../lib/core/broker.ts';
import { harness, notApplicable, requireCapability, requireListener } from '../support/harness.ts';
import { clientIdentity, listenerTrust, presenting } from '../tls/tls-support.ts';

/** Explicit quiet window for "not delivered": loopback delivery takes milliseconds. */
export const QUIET_MS = 500;

/** The policy the suite may assume: an external broker's profile policy, else the standard test policy. */
export function activePolicy(): TestPolicy {
  return harness().external?.policy ?? TEST_POLICY;
}

/** The password of a user the test needs; not applicable when the assumed policy has no such user. */
export function passwordOf(ctx: TestContext, user: string): string {
  const found = activePolicy().users.find((u) => u.name === user);
  if (!found) notApplicable(ctx, `the profile's policy has no user ${user}, which this test logs in as`);
  return found!.password;
}

/**
 * The policy facts a test relies on, e.g. [['alice', 'alice/x', 'write', true], ['alice', 'bob/x', 'write', false]]:
 * where the assumed policy (a profile's) says otherwise, the test cannot check its statement.
 */
export function assumePolicy(ctx: TestContext, facts: [user: string, topic: string, access: 'read' | 'write', allowed: boolean][]): void {
  for (const [user, topic, access, allowed] of facts) {
    if (policyAllows(activePolicy(), user, topic, access) !== allowed) notApplicable(ctx, `the profile's policy does not ${allowed ? 'grant' : 'deny'} ${user} ${access} on ${topic}, which this test relies on`);
  }
}

/** The topic prefix under which `user` may read and write (`alice/` for `alice/#`), '' if none. */
export function topicPrefixOf(user: string): string {
  const rule = activePolicy().rules.find((r) => (r.user === undefined || r.user === user) && r.access === 'readwrite' && /^[^+#]*\/#$/.test(r.topic.replaceAll('%u', user)));
  return rule ? rule.topic.replaceAll('%u', user).slice(0, -1) : '';
}

/** The user for a password login: the profile's credentials, else alice of the assumed policy. */
export function policyUser(ctx: TestContext): { username: string; password: string; topicPrefix: string } {
  const external = harness().external?.credentials;
  const username = external?.username ?? 'alice';
  return { username, password: external?.password ?? passwordOf(ctx, username), topicPrefix: topicPrefixOf(username) };
}

/** TLS options presenting the valid client certificate, and the user its CN names. */
export function certificateUser(ctx: TestContext, listener: ListenerInfo): { tls: tls.ConnectionOptions; username: string } {
  const id = clientIdentity(ctx, 'valid');
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(new X509Certificate(fs.readFileSync(id.certFile)).subject)?.[1] ?? '';
  return { tls: { ...listenerTrust(ctx, listener), ...presenting(id) }, username: cn };
}

export async function asUser(ctx: TestContext, protocol: ProtocolVersion, user: 'alice' | 'bob'): Promise<{ client: MqttClient; log: MessageLog }> {
  requireCapability(ctx, 'passwordAuth');
  requireCapability(ctx, 'acl');
  const client = await connectClient(requireListener(ctx, 'auth'), protocol, { username: user, password: passwordOf(ctx, user) });
  onTestFinished(() => endClient(client));
  return { client, log: new MessageLog(client) };
}

/** alice by client certificate on the mtls listener: her CN must become the user the ACL sees. */
export async function aliceByCertificate(ctx: TestContext, protocol: ProtocolVersion): Promise<{ client: MqttClient; log: MessageLog }> {
  requireCapability(ctx, 'clientCertificates');
  requireCapability(ctx, 'acl');
  const listener = requireListener(ctx, 'mtls');
  const byCert = certificateUser(ctx, listener);
  if (byCert.username !== 'alice') notApplicable(ctx, `the profile's client certificate names ${byCert.username || 'no CN'}; this test needs alice's`);
  const client = await connectClient(listener, protocol, byCert.tls as IClientOptions);
  onTestFinished(() => endClient(client));
  return { client, log: new MessageLog(client) };
}

/** Anonymous client on the plain listener subscribed to `#`: sees every delivered message. */
export async function observer(ctx: TestContext, protocol: ProtocolVersion): Promise<{ client: MqttClient; log: MessageLog }> {
  const client = await connectClient(requireListener(ctx, 'plain'), protocol);
  onTestFinished(() => endClient(client));
  const log = new MessageLog(client);
  await client.subscribeAsync('#', { qos: 1 });
  return { client, log };
}

/** Publishes at QoS 1 and reports what came back: a PUBACK reason, or the connection closing. */
export async function publishAndObserveAck(client: MqttClient, topic: string, payload: string): Promise<string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done('no PUBACK within 2 s'), 2000);
    const onPacket = (p: { cmd: string; reasonCode?: number }) => {
      if (p.cmd === 'puback') done(`PUBACK reason ${p.reasonCode ?? 0}`);
    };
    const onClose = () => done('connection closed by the broker');
    function done(what: string) {
      clearTimeout(timer);
      client.off('packetreceive', onPacket);
      client.off('close', onClose);
      resolve(what);
    }
    client.on('packetreceive', onPacket);
    client.on('close', onClose);
    client.publish(topic, payload, { qos: 1 }, () => {});
  });
}

/**
 * Everything matching that has arrived so far plus what arrives in the quiet window. MessageLog.quiet
 * alone only sees messages after it starts, and a leaked message can beat the publisher's PUBACK.
 */
export async function deliveredWithin(log: MessageLog, windowMs: number, match: (m: ReceivedMessage) => boolean): Promise<ReceivedMessage[]> {
  const already = log.messages.filter(match);
  return [...already, ...(await log.quiet(windowMs, match))];
}
