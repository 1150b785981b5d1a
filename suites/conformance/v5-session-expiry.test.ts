// MQTT 5.0 Session Expiry Interval: a session is kept while the interval runs, discarded when it
// has passed, and the interval can be changed on DISCONNECT. Waiting out an expiry interval is the
// stimulus here, not a "sleep then count": the absence check that follows uses a quiet window.
import { expect } from 'vitest';
import type { IPublishPacket } from 'mqtt-packet';
import { uniqueId } from '../../lib/mqtt/test-client.ts';
import { forProtocol5, v5Test, type ConformanceEnv } from '../support/conformance.ts';
import { subscribeV5, publishV5 } from '../support/conformance-flow.ts';

const elapse = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A session with a QoS 1 subscription and the given Session Expiry leaves; a QoS 1 message is published for it while it is away. */
async function leaveWithQueued(env: ConformanceEnv, clientId: string, topic: string, sessionExpiryInterval: number, payload: string): Promise<void> {
  const first = await env.connect({ clientId, clean: true, properties: { sessionExpiryInterval } });
  await subscribeV5(first.client, [{ topic, qos: 1 }]);
  first.client.disconnect();
  await first.client.expectClose();
  const pub = await env.connect();
  await publishV5(pub.client, topic, payload, { qos: 1 });
}

forProtocol5(() => {
  v5Test('v5.session-expiry.kept-while-running', ['MQTT-3.1.2-23', 'MQTT-3.1.2-5', 'MQTT-3.2.2-3', 'MQTT-3.1.3-2', 'MQTT-4.5.0-1', 'MQTT-4.4.0-1'],
    'keeps the session while Session Expiry Interval runs: Session Present 1 and the queued QoS 1 message delivered', async (env) => {
      const clientId = uniqueId('se');
      const topic = `${uniqueId('t')}/kept`;
      await leaveWithQueued(env, clientId, topic, 60, 'while-away');
      const again = await env.connect({ clientId, clean: false, properties: { sessionExpiryInterval: 0 } });
      expect(again.connack.sessionPresent, 'Session Present').toBe(true);
      const msg = await again.client.log.next<IPublishPacket>('publish');
      expect(msg.payload.toString()).toBe('while-away');
      expect(msg.qos).toBe(1);
    });

  v5Test('v5.session-expiry.discarded-after', ['MQTT-4.1.0-2', 'MQTT-3.2.2-3'],
    'discards the session once Session Expiry Interval has passed: Session Present 0, nothing delivered', async (env) => {
      const clientId = uniqueId('se');
      const topic = `${uniqueId('t')}/expired`;
      await leaveWithQueued(env, clientId, topic, 1, 'too-late');
      await elapse(2500); // the interval (1 s) plus margin for the broker's expiry sweep
      const again = await env.connect({ clientId, clean: false, properties: { sessionExpiryInterval: 0 } });
      expect(again.connack.sessionPresent, 'Session Present after expiry').toBe(false);
      expect(await again.client.log.quiet(700, 'publish', 0), 'messages from the expired session').toHaveLength(0);
    }, { timeoutMs: 15_000 });

  v5Test('v5.session-expiry.absent-ends-at-disconnect', ['MQTT-3.1.2-23', 'MQTT-4.1.0-2'],
    'ends the session at disconnect when Session Expiry Interval is absent (0)', async (env) => {
      const clientId = uniqueId('se');
      const first = await env.connect({ clientId, clean: true });
      await subscribeV5(first.client, [{ topic: `${uniqueId('t')}/x`, qos: 1 }]);
      first.client.disconnect();
      await first.client.expectClose();
      const again = await env.connect({ clientId, clean: false });
      expect(again.connack.sessionPresent).toBe(false);
    });

  v5Test('v5.session-expiry.zero-on-disconnect', ['MQTT-3.1.2-23', 'MQTT-4.1.0-2'],
    'honours a Session Expiry Interval of 0 set on DISCONNECT: the session ends', async (env) => {
      const clientId = uniqueId('se');
      const first = await env.connect({ clientId, clean: true, properties: { sessionExpiryInterval: 60 } });
      await subscribeV5(first.client, [{ topic: `${uniqueId('t')}/x`, qos: 1 }]);
      first.client.disconnect(0, { sessionExpiryInterval: 0 });
      await first.client.expectClose();
      const again = await env.connect({ clientId, clean: false });
      expect(again.connack.sessionPresent, 'Session Present on reconnecting after a DISCONNECT that set Session Expiry Interval 0 (the session must have ended at the close)').toBe(false);
    });

  v5Test('v5.session-expiry.clean-start-discards', ['MQTT-3.1.2-4', 'MQTT-3.2.2-2', 'MQTT-3.1.4-4'],
    'discards an existing session on Clean Start 1: Session Present 0 and the old subscription gone', async (env) => {
      const clientId = uniqueId('se');
      const topic = `${uniqueId('t')}/gone`;
      const first = await env.connect({ clientId, clean: true, properties: { sessionExpiryInterval: 60 } });
      await subscribeV5(first.client, [{ topic, qos: 1 }]);
      first.client.disconnect();
      await first.client.expectClose();
      const again = await env.connect({ clientId, clean: true });
      expect(again.connack.sessionPresent).toBe(false);
      const pub = await env.connect();
      await publishV5(pub.client, topic, 'x', { qos: 1 });
      expect(await again.client.log.quiet(600, 'publish', 0), 'delivery to the new clean session').toHaveLength(0);
    });

  v5Test('v5.session-expiry.takeover-keeps-session', ['MQTT-4.1.0-1', 'MQTT-3.1.4-3'],
    'keeps session state while connected and hands it to a taking-over connection (Session Present 1)', async (env) => {
      const clientId = uniqueId('se');
      const topic = `${uniqueId('t')}/take`;
      const first = await env.connect({ clientId, clean: true, properties: { sessionExpiryInterval: 60 } });
      await subscribeV5(first.client, [{ topic, qos: 1 }]);
      const second = await env.connect({ clientId, clean: false, properties: { sessionExpiryInterval: 0 } });
      expect(second.connack.sessionPresent).toBe(true);
      const pub = await env.connect();
      await publishV5(pub.client, topic, 'to-new', { qos: 1 });
      const msg = await second.client.log.next<IPublishPacket>('publish');
      expect(msg.payload.toString()).toBe('to-new');
    });
});
