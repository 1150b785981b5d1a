// Delivered QoS = min(published QoS, granted QoS) (3.1.1 MQTT-3.8.4-6, 5.0 MQTT-3.8.4-8) in every
// arrangement: published at QoS 0, 1 and 2 × subscribed at 0, 1 and 2 × an exact, `+` or `#`
// filter; each delivery checked against its guarantee (QoS 2 exactly once, QoS 1 at least once,
// QoS 0 at most once). The granted QoS, not the requested one, sets the expectation (a broker may
// grant less). Overlapping filters of different QoS are in arrangements-overlap.test.ts.
import { describe } from 'vitest';
import { forEachProtocol, requireCapability } from '../support/harness.ts';
import { conformanceTest } from '../support/conformance.ts';
import { publish, rawClient, subscribe, topicFor } from '../support/conformance-flow.ts';
import { copiesOf, expectCopies, expectGranted, FILTER_KINDS, filterFor, publishLevels, QOS_LEVELS } from '../support/arrangements.ts';

forEachProtocol(() => {
  describe.concurrent('arrangements: QoS matrix', () => {
    for (const kind of FILTER_KINDS) {
      for (const requested of QOS_LEVELS) {
        conformanceTest(`arrangements.qos.subscribed-${requested}.${kind}`,
          { '3.1.1': ['MQTT-3.8.4-6', 'MQTT-4.3.3-2', 'MQTT-4.3.2-1'], '5': ['MQTT-3.8.4-8', 'MQTT-4.3.3-10', 'MQTT-4.3.2-1'] },
          `${kind} filter subscribed at QoS ${requested}: a message published at QoS 0, 1, 2 is delivered at min(published, granted), QoS 2 exactly once`, async (env) => {
            if (kind !== 'exact') requireCapability(env.ctx, 'wildcards');
            const base = topicFor(env, 'qm');
            const topic = `${base}/a/b`;
            const { client: sub } = await rawClient(env);
            const [granted] = expectGranted(env, await subscribe(sub, [[filterFor(kind, base), requested]]), [requested]);
            sub.startAutoAck();
            const { client: pub } = await rawClient(env);
            const seen: string[] = [];
            for (const p of publishLevels()) {
              const payload = `p${p}`;
              await publish(pub, topic, payload, p);
              const copies = await copiesOf(sub, topic, payload, 400);
              const what = `published at ${p}, granted ${granted}`;
              expectCopies(env, copies, what);
              env.ctx.expect(copies.map((c) => c.qos), `${what}: delivered QoS`).toEqual(copies.map(() => Math.min(p, granted!)));
              seen.push(`${p}→${copies.map((c) => c.qos).join('+')}`);
            }
            env.note(`granted ${granted}; published→delivered ${seen.join(', ')}`);
          });
      }
    }
  });
});
