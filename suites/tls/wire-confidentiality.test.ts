// What a observer on the path sees: a recording relay sits between client and listener. Over TLS
// neither the payload nor the password may appear in the bytes; over plain TCP they do — and a
// listener that accepts passwords without TLS is reported as "credentials sent in clear".
import { describe, expect, onTestFinished, type TestContext } from 'vitest';
import { connectClient, endClient, MessageLog, uniqueId } from '../../lib/mqtt/test-client.ts';
import { harness, requireCapability, requireListener } from '../support/harness.ts';
import { startRecordingRelay } from './recording-relay.ts';
import { listenerTrust } from './tls-support.ts';
import { policyUser } from '../auth/auth-support.ts';
import { keyedTest } from '../support/keyed-test.ts';
import type { ListenerInfo } from '../../lib/core/broker.ts';

const protocol = () => harness().protocols[0] ?? '3.1.1';

/** Round-trips a unique payload through the relay and returns what the relay saw. */
async function throughRelay(ctx: TestContext, listener: ListenerInfo, creds: { username: string; password: string; topic: string }) {
  const relay = await startRecordingRelay(listener);
  onTestFinished(() => relay.close());
  // The relay listens on 127.0.0.1; for TLS the name checked stays the listener's (serverName, else its host).
  const tlsOptions = listener.tls ? { ...listenerTrust(ctx, listener), servername: listener.serverName ?? listener.host } : {};
  const via: ListenerInfo = { ...listener, host: listener.tls ? 'localhost' : '127.0.0.1', port: relay.port, url: `${listener.tls ? 'mqtts' : 'mqtt'}://${listener.tls ? 'localhost' : '127.0.0.1'}:${relay.port}` };
  const client = await connectClient(via, protocol(), { username: creds.username, password: creds.password, ...tlsOptions });
  onTestFinished(() => endClient(client));
  const payload = uniqueId('secret-payload');
  const log = new MessageLog(client);
  await client.subscribeAsync(creds.topic, { qos: 1 });
  await client.publishAsync(creds.topic, payload, { qos: 1 });
  await log.next((m) => m.payload.toString() === payload, 5000, 'the payload back');
  const wire = relay.bytes();
  return { payloadSeen: wire.includes(payload), passwordSeen: wire.includes(creds.password), bytes: wire.length };
}

/** A client with a fresh password (or the listener's required credentials) through the relay: are payload and password visible? */
async function expectSeenOnWire(ctx: TestContext, listener: ListenerInfo, visible: boolean, expected: string) {
  const password = uniqueId('pw');
  const seen = await throughRelay(ctx, listener, { ...(listener.credentials ?? { username: 'wire-check', password }), topic: `${uniqueId('wire')}/${listener.name}` });
  ctx.task.meta.detail = { expected, actual: `${seen.bytes} bytes; payload seen: ${seen.payloadSeen}; password seen: ${seen.passwordSeen}` };
  expect(seen.payloadSeen).toBe(visible);
  expect(seen.passwordSeen).toBe(visible);
}

describe('wire confidentiality', () => {
  keyedTest('tls.wire-confidentiality.tls-opaque', 'over TLS neither the payload nor the password appears on the wire', {}, async (ctx) => {
    requireCapability(ctx, 'tls');
    await expectSeenOnWire(ctx, requireListener(ctx, 'tls'), false, 'payload and password absent from the recorded bytes');
  });

  keyedTest('tls.wire-confidentiality.plain-visible', 'over the plain listener the relay sees the payload and password (the check can see plaintext)', {}, (ctx) =>
    expectSeenOnWire(ctx, requireListener(ctx, 'plain'), true, 'payload and password visible'));

  // The finding "credentials sent in clear" points at this key.
  keyedTest('tls.wire-confidentiality.password-in-clear', 'password listener without TLS: is the password readable on the wire?', {}, async (ctx) => {
    requireCapability(ctx, 'passwordAuth');
    const listener = requireListener(ctx, 'auth');
    const user = policyUser(ctx);
    const seen = await throughRelay(ctx, listener, { username: user.username, password: user.password, topic: `${user.topicPrefix}${uniqueId('wire')}` });
    const clear = !listener.tls && seen.passwordSeen;
    ctx.task.meta.detail = {
      expected: 'recorded; a listener accepting passwords without TLS is reported as a finding',
      actual: `${seen.bytes} bytes; password seen: ${seen.passwordSeen}`,
      behaviour: clear ? 'credentials sent in clear' : 'credentials not visible',
    };
    // The relay must see plaintext on a non-TLS listener; if it did not, the observation is broken.
    if (!listener.tls) expect(seen.passwordSeen).toBe(true);
  });
});
