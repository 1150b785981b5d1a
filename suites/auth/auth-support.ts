// Clients for the auth suite: users of the standard test policy on the auth listener, alice by
// certificate on the mtls listener, and an anonymous observer on the plain listener that subscribes
// to everything — "not delivered to any subscriber" is checked there.
import fs from 'node:fs';
import { onTestFinished, type TestContext } from 'vitest';
import type { MqttClient } from 'mqtt';
import { connectClient, endClient, MessageLog, type ReceivedMessage } from '../../lib/mqtt/test-client.ts';
import { TEST_POLICY } from '../../lib/policy/test-policy.ts';
import type { ProtocolVersion } from '../../lib/core/broker.ts';
import { requireCapability, requireListener } from '../support/harness.ts';
import { requirePki } from '../tls/tls-support.ts';

/** Explicit quiet window for "not delivered": loopback delivery takes milliseconds. */
export const QUIET_MS = 500;

export function passwordOf(user: string): string {
  return TEST_POLICY.users.find((u) => u.name === user)!.password;
}

export async function asUser(ctx: TestContext, protocol: ProtocolVersion, user: 'alice' | 'bob'): Promise<{ client: MqttClient; log: MessageLog }> {
  requireCapability(ctx, 'passwordAuth');
  requireCapability(ctx, 'acl');
  const client = await connectClient(requireListener(ctx, 'auth'), protocol, { username: user, password: passwordOf(user) });
  onTestFinished(() => endClient(client));
  return { client, log: new MessageLog(client) };
}

/** alice by client certificate on the mtls listener: her CN must become the user the ACL sees. */
export async function aliceByCertificate(ctx: TestContext, protocol: ProtocolVersion): Promise<{ client: MqttClient; log: MessageLog }> {
  requireCapability(ctx, 'clientCertificates');
  requireCapability(ctx, 'acl');
  const listener = requireListener(ctx, 'mtls');
  const pki = requirePki(ctx);
  const client = await connectClient(listener, protocol, {
    ca: fs.readFileSync(pki.caRootCert), cert: fs.readFileSync(pki.clientAliceCert), key: fs.readFileSync(pki.clientKey),
  });
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
