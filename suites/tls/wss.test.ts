// MQTT over WebSocket over TLS (the `wss` listener): a verifying client completes the TLS and
// WebSocket handshakes with the right trust anchor and gets CONNACK 0, and refuses the server when it
// trusts another CA. A target without a wss listener: not-applicable with its reason.
import { describe, expect } from 'vitest';
import fs from 'node:fs';
import type { ListenerInfo } from '../../lib/core/broker.ts';
import { MQTT_WEBSOCKET_SUBPROTOCOL, openWebSocket } from '../../lib/mqtt/listener-stream.ts';
import { RawClient } from '../../lib/mqtt/raw-client.ts';
import { harness, requireListener } from '../support/harness.ts';
import { keyedTest } from '../support/keyed-test.ts';
import { requirePki } from './tls-support.ts';

const protocol = () => harness().protocols[0] ?? '3.1.1';

/** The wss listener, trusted through its own CA file (a profile's) or the run's CA (a managed broker). */
function trustedWss(ctx: Parameters<typeof requireListener>[0]): ListenerInfo {
  const listener = requireListener(ctx, 'wss');
  return listener.caFile ? listener : { ...listener, caFile: requirePki(ctx).caRootCert };
}

describe('MQTT over WebSocket over TLS', () => {
  keyedTest('tls.wss.trust-ok', 'wss: with the listener\'s CA the TLS and WebSocket handshakes succeed ("mqtt" selected) and CONNECT gets CONNACK 0', {}, async (ctx) => {
    const listener = trustedWss(ctx);
    // A failed verification is the check failing (an assertion), not an error of the test.
    const opened = await openWebSocket(listener).then(
      (ws) => { ws.terminate(); return { protocol: ws.protocol }; },
      (e: Error & { code?: string }) => ({ refused: e.code ?? e.message }),
    );
    ctx.task.meta.detail = { expected: 'TLS and WebSocket handshakes succeed, subprotocol "mqtt"', actual: JSON.stringify(opened) };
    expect(opened, 'the TLS/WebSocket handshake with the listener\'s CA').not.toHaveProperty('refused');
    expect((opened as { protocol: string }).protocol, 'subprotocol selected over wss').toBe(MQTT_WEBSOCKET_SUBPROTOCOL);
    const client = await RawClient.openListener(listener, protocol());
    try {
      const connack = await client.connect();
      expect(connack.returnCode ?? connack.reasonCode, 'CONNACK over wss').toBe(0);
    } finally {
      client.destroy();
    }
  });

  keyedTest('tls.wss.wrong-ca', 'wss: a client that trusts another CA refuses the server before any WebSocket handshake', {}, async (ctx) => {
    const listener = requireListener(ctx, 'wss');
    const pki = requirePki(ctx);
    const refused = await openWebSocket(listener, { tls: { ca: fs.readFileSync(pki.caForeignCert) } }).then(
      (ws) => { ws.terminate(); return 'handshake completed'; },
      (e: Error & { code?: string }) => e.code ?? e.message,
    );
    ctx.task.meta.detail = { expected: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY or UNABLE_TO_VERIFY_LEAF_SIGNATURE', actual: refused };
    expect(refused).toMatch(/^(UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE)/);
  });
});
