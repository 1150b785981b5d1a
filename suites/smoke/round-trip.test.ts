// The seed scenario: subscribe to a topic, publish `^o^`, receive it — on every listener the target
// has working (the standard four, and MQTT over WebSocket: ws, wss), at QoS 0, 1 and 2, for each protocol version it supports.
// Keys: smoke.round-trip.<listener>.qos<n>, one per listener and QoS (the same under both protocols).
import { describe, expect, onTestFinished, type TestContext } from 'vitest';
import type { IClientOptions } from 'mqtt';
import { connectClient, endClient, MessageLog, uniqueId } from '../../lib/mqtt/test-client.ts';
import { LISTENER_NAMES, type ListenerInfo, type ListenerName } from '../../lib/core/broker.ts';
import { listenerTrust } from '../tls/tls-support.ts';
import { certificateUser, policyUser, topicPrefixOf } from '../auth/auth-support.ts';
import { forEachProtocol, requireListener, requireQos } from '../support/harness.ts';
import { keyedTest } from '../support/keyed-test.ts';

const QOS_LEVELS = [0, 1, 2] as const;
/** A target without a WebSocket listener reports these not-applicable with its reason. */
const SMOKE_LISTENERS: readonly ListenerName[] = [...LISTENER_NAMES, 'ws', 'wss'];

forEachProtocol((protocol) => {
  describe.each(SMOKE_LISTENERS)('%s listener', (listenerName) => {
    for (const qos of QOS_LEVELS) keyedTest(`smoke.round-trip.${listenerName}.qos${qos}`, `publish ^o^ and receive it at QoS ${qos}`, {}, async (ctx) => {
      const listener = requireListener(ctx, listenerName);
      requireQos(ctx, qos);
      const { topicPrefix, ...credentials } = listenerCredentials(ctx, listener);
      const sub = await connectClient(listener, protocol, credentials);
      onTestFinished(() => endClient(sub));
      const pub = await connectClient(listener, protocol, credentials);
      onTestFinished(() => endClient(pub));

      const topic = `${topicPrefix}${uniqueId('smoke')}/round-trip`;
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

type Credentials = IClientOptions & { topicPrefix: string };

/**
 * The auth listener needs a user of the assumed policy (the profile's credentials, else alice of the
 * standard test policy); TLS listeners need their CA (the run's, or the profile's with its server
 * name); mtls also a client certificate, whose CN becomes the user the ACL sees.
 */
function listenerCredentials(ctx: TestContext, listener: ListenerInfo): Credentials {
  if (listener.name === 'auth') {
    const { topicPrefix, ...user } = policyUser(ctx);
    return { ...user, ...(listener.tls ? (listenerTrust(ctx, listener) as IClientOptions) : {}), topicPrefix };
  }
  if (listener.name === 'mtls') {
    const byCert = certificateUser(ctx, listener);
    return { ...(byCert.tls as IClientOptions), topicPrefix: topicPrefixOf(byCert.username) };
  }
  if (listener.tls) return { ...(listenerTrust(ctx, listener) as IClientOptions), topicPrefix: '' };
  return { topicPrefix: '' };
}
