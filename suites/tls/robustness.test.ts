// The broker meets the wrong protocol or garbage on a listener: it closes that connection and keeps
// serving — a good client connecting right afterwards gets its CONNACK.
import { describe, expect, beforeAll, type TestContext } from 'vitest';
import { randomBytes } from 'node:crypto';
import mqttPacket from 'mqtt-packet';
import { harness, requireCapability, requireListener } from '../support/harness.ts';
import { attemptConnect, captureClientHello, describeAttempt, sendRaw } from './connect-attempt.ts';
import { listenerTrust } from './tls-support.ts';
import { keyedTest } from '../support/keyed-test.ts';
import type { ListenerInfo } from '../../lib/core/broker.ts';

const protocol = () => harness().protocols[0] ?? '3.1.1';
let clientHello: Buffer;
beforeAll(async () => { clientHello = await captureClientHello(); });

/** A plain CONNECT, as a client that forgot TLS would send. */
const plainConnect = () => mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, keepalive: 30, clientId: 'robustness' });
/**
 * Random bytes behind a fixed two-byte prefix: packet type 0 (reserved in 3.1.1 and 5, so malformed)
 * and remaining length 127, with more than 127 bytes following. Without the fixed length a random
 * varint can announce megabytes, and a broker that validates the type only once the body is in
 * (aedes) would wait — a verdict decided by chance. This way the broker always has all it needs.
 */
const garbage = () => Buffer.concat([Buffer.from([0x00, 0x7f]), randomBytes(254)]);

async function closesAndSurvives(ctx: TestContext, listener: ListenerInfo, bytes: Buffer, halfClose = false) {
  const r = await sendRaw(listener, bytes, { halfClose, timeoutMs: 5000 });
  const good = await attemptConnect(listener, { protocol: protocol(), ...(listener.tls ? { tls: listenerTrust(ctx, listener) } : {}) });
  ctx.task.meta.detail = {
    expected: 'connection closed; a good client then gets CONNACK 0',
    actual: `${r.closed ? 'closed' : 'not closed within 5 s'}${r.error ? ` (${r.error})` : ''}, ${r.replyBytes} reply bytes; good client: ${describeAttempt(good)}`,
  };
  expect(r.closed, 'the broker kept the connection open').toBe(true);
  expect(good.connackCode, 'a good client was not served afterwards').toBe(0);
}

describe('robustness', () => {
  keyedTest('tls.robustness.plain-connect-on-tls', 'closes a plain MQTT CONNECT sent to the TLS port and keeps serving', {}, (ctx) => {
    requireCapability(ctx, 'tls');
    return closesAndSurvives(ctx, requireListener(ctx, 'tls'), plainConnect());
  });
  keyedTest('tls.robustness.client-hello-on-plain', 'closes a TLS ClientHello sent to the plain port and keeps serving', {}, (ctx) =>
    closesAndSurvives(ctx, requireListener(ctx, 'plain'), clientHello));
  keyedTest('tls.robustness.garbage-on-plain', 'closes random bytes on the plain port and keeps serving', {}, (ctx) =>
    closesAndSurvives(ctx, requireListener(ctx, 'plain'), garbage()));
  keyedTest('tls.robustness.garbage-on-tls', 'closes random bytes on the TLS port and keeps serving', {}, (ctx) => {
    requireCapability(ctx, 'tls');
    return closesAndSurvives(ctx, requireListener(ctx, 'tls'), garbage());
  });
  keyedTest('tls.robustness.truncated-handshake', 'closes a truncated TLS handshake and keeps serving', {}, (ctx) => {
    requireCapability(ctx, 'tls');
    // Half a ClientHello, then our FIN: the broker must give up on the handshake and close.
    return closesAndSurvives(ctx, requireListener(ctx, 'tls'), clientHello.subarray(0, Math.floor(clientHello.length / 2)), true);
  });
});
