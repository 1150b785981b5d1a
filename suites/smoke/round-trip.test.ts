// The seed scenario: subscribe to a topic, publish `^o^`, receive it — on every listener the target
// has working (the standard four, and MQTT over WebSocket: ws, wss), at QoS 0, 1 and 2, for each protocol version it supports.
// Keys: smoke.round-trip.<listener>.qos<n>, one per listener and QoS (the same under both protocols).
import { describe, expect, onTestFinished } from 'vitest';
import { connectClient, endClient, MessageLog, uniqueId } from '../../lib/mqtt/test-client.ts';
import { LISTENER_NAMES, type ListenerName } from '../../lib/core/broker.ts';
import fs from 'node:fs';
import { forEachProtocol, harness, requireListener, requireQos } from '../support/harness.ts';
import { keyedTest } from '../support/keyed-test.ts';

const QOS_LEVELS = [0, 1, 2] as const;
/** A target without a WebSocket listener reports these not-applicable with its reason. */
const SMOKE_LISTENERS: readonly ListenerName[] = [...LISTENER_NAMES, 'ws', 'wss'];

forEachProtocol((protocol) => {
  describe.each(SMOKE_LISTENERS)('%s listener', (listenerName) => {
    for (const qos of QOS_LEVELS) keyedTest(`smoke.round-trip.${listenerName}.qos${qos}`, `publish ^o^ and receive it at QoS ${qos}`, {}, async (ctx) => {
      const listener = requireListener(ctx, listenerName);
      requireQos(ctx, qos);
      const credentials = listenerCredentials(listenerName);
      const sub = await connectClient(listener, protocol, credentials);
      onTestFinished(() => endClient(sub));
      const pub = await connectClient(listener, protocol, credentials);
      onTestFinished(() => endClient(pub));

      const topic = `${credentials.topicPrefix}${uniqueId('smoke')}/round-trip`;
      const log = new MessageLog(sub);
      const granted = await sub.subscribeAsync(topic, { qos });
      expect(granted[0]?.qos, 'granted QoS').toBe(qos);
      await pub.publishAsync(topic, '^o^', { qos });
      const msg = await log.next((m) => m.topic === topic, 5000, `^o^ on ${topic}`);
      expect(msg.payload.toString()).toBe('^o^');
      expect(msg.packet.qos).toBe(qos);
    });
  });
});

interface Credentials { username?: string; password?: string; ca?: Buffer; cert?: Buffer; key?: Buffer; topicPrefix: string }

/**
 * The auth listener needs the standard test policy's user (lib/policy/test-policy.ts); TLS listeners
 * need the run's CA; mtls also alice's client certificate, whose CN becomes the user the ACL sees.
 */
function listenerCredentials(name: string): Credentials {
  const pki = harness().pki;
  const ca = pki ? { ca: fs.readFileSync(pki.caRootCert) } : {};
  if (name === 'auth') return { username: 'alice', password: 'alice-secret', topicPrefix: 'alice/' };
  if (name === 'mtls' && pki) return { ...ca, cert: fs.readFileSync(pki.clientAliceCert), key: fs.readFileSync(pki.clientKey), topicPrefix: 'alice/' };
  if (name === 'mtls') return { topicPrefix: 'alice/' };
  if (name === 'tls' || name === 'wss') return { ...ca, topicPrefix: '' };
  return { topicPrefix: '' };
}
