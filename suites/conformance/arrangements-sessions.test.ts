// Sessions in the arrangements where session code differs: a persistent session (3.1.1
// CleanSession 0, 5.0 Clean Start 0 + Session Expiry 300 s) subscribed through an exact, `+` or `#`
// filter at QoS 1 or 2, left with DISCONNECT or by a dropped connection, gets its queued QoS 1/2
// messages on reconnect with Session Present 1, each at min(published, granted); QoS 0 may be
// queued or dropped (3.1.2-5 / 3.1.2.4 "optionally"), recorded. A clean session (CleanSession 1,
// Clean Start 1 without Session Expiry) ends with its connection: Session Present 0, nothing queued.
import { describe } from 'vitest';
import type { IConnectPacket } from 'mqtt-packet';
import { uniqueId } from '../../lib/mqtt/test-client.ts';
import { forEachProtocol, requireCapability } from '../support/harness.ts';
import { conformanceTest, type ConformanceEnv } from '../support/conformance.ts';
import { persistentSession, publish, rawClient, subscribe, topicFor, QUIET_MS } from '../support/conformance-flow.ts';
import { copiesOf, copiesSoFar, expectCopies, expectGranted, FILTER_KINDS, filterFor, publishLevels, type Qos } from '../support/arrangements.ts';
import type { RawClient } from '../../lib/mqtt/raw-client.ts';

const ENDS = ['disconnect', 'drop'] as const;
type End = (typeof ENDS)[number];

async function leave(client: RawClient, end: End) {
  if (end === 'disconnect') client.disconnect();
  else client.destroy();
  await client.expectClose();
}

/** Publishes one message per QoS level the target offers on `topic`, payload `q<level>`. */
async function publishEachQos(env: ConformanceEnv, topic: string): Promise<Qos[]> {
  const { client: pub } = await rawClient(env);
  const levels = publishLevels();
  for (const q of levels) await publish(pub, topic, `q${q}`, q);
  return levels;
}

forEachProtocol((protocol) => {
  const clean = (clientId: string): Partial<IConnectPacket> => ({ clientId, clean: true });
  const resume = (clientId: string): Partial<IConnectPacket> => ({ clientId, clean: false, ...(protocol === '5' ? { properties: { sessionExpiryInterval: 0 } } : {}) });

  describe.concurrent('arrangements: persistent and clean sessions', () => {
    for (const kind of FILTER_KINDS) {
      for (const end of ENDS) {
        for (const requested of [1, 2] as Qos[]) {
          conformanceTest(`arrangements.session.persistent.${kind}.${end}.subscribed-${requested}`,
            { '3.1.1': ['MQTT-3.1.2-4', 'MQTT-3.1.2-5', 'MQTT-3.2.2-2', 'MQTT-4.5.0-1', 'MQTT-3.8.4-6'], '5': ['MQTT-3.1.2-5', 'MQTT-3.1.2-23', 'MQTT-3.2.2-3', 'MQTT-4.5.0-1', 'MQTT-3.8.4-8'] },
            `persistent session, ${kind} filter at QoS ${requested}, left by ${end}: queued QoS 1/2 messages arrive on reconnect with Session Present 1`, async (env) => {
              requireCapability(env.ctx, 'persistentSessions');
              if (kind !== 'exact') requireCapability(env.ctx, 'wildcards');
              const id = uniqueId('as');
              const base = topicFor(env, 'sp');
              const topic = `${base}/a/b`;
              const first = await rawClient(env, persistentSession(env, id));
              const [granted] = expectGranted(env, await subscribe(first.client, [[filterFor(kind, base), requested]]), [requested]);
              await leave(first.client, end);
              const levels = await publishEachQos(env, topic);
              const again = await rawClient(env, persistentSession(env, id));
              env.ctx.expect(again.connack.sessionPresent, 'Session Present when resuming the session').toBe(true);
              again.client.startAutoAck();
              for (const q of levels.filter((l) => l > 0)) {
                const copies = await copiesOf(again.client, topic, `q${q}`, 300);
                const what = `queued message published at QoS ${q}, granted ${granted}`;
                expectCopies(env, copies, what);
                env.ctx.expect(copies.map((c) => c.qos), `${what}: delivered QoS`).toEqual(copies.map(() => Math.min(q, granted!)));
              }
              await again.client.quiet(QUIET_MS);
              const q0 = copiesSoFar(again.client, topic, 'q0');
              env.ctx.expect(q0.length, 'copies of the QoS 0 message (at most once)').toBeLessThanOrEqual(1);
              env.note(q0.length ? 'QoS 0 message queued for the offline session' : 'QoS 0 message not queued for the offline session');
            });
        }

        conformanceTest(`arrangements.session.clean.${kind}.${end}`,
          { '3.1.1': ['MQTT-3.1.2-6', 'MQTT-3.2.2-3'], '5': ['MQTT-3.1.2-6', 'MQTT-3.2.2-3', 'MQTT-4.1.0-2'] },
          `clean session, ${kind} filter, left by ${end}: the session ends with the connection — Session Present 0 and nothing queued`, async (env) => {
            if (kind !== 'exact') requireCapability(env.ctx, 'wildcards');
            const id = uniqueId('ac');
            const base = topicFor(env, 'sc');
            const topic = `${base}/a/b`;
            const first = await rawClient(env, clean(id));
            expectGranted(env, await subscribe(first.client, [[filterFor(kind, base), 2]]), [2]);
            await leave(first.client, end);
            await publishEachQos(env, topic);
            const again = await rawClient(env, resume(id));
            env.ctx.expect(again.connack.sessionPresent, 'Session Present after a clean session ended').toBe(false);
            again.client.startAutoAck();
            await again.client.quiet(QUIET_MS);
            env.ctx.expect(copiesSoFar(again.client, topic).map((p) => p.payload.toString()), 'messages queued for a clean session').toEqual([]);
            again.client.disconnect(); // end the session this reconnect created (3.1.1: CleanSession 0 keeps one)
          });
      }
    }
  });
});
