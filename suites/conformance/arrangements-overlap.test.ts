// Overlapping subscriptions in every arrangement where topic trees differ: exact, `+` and `#` filters
// (two kinds of each wildcard position) matching one topic, the highest QoS on the first or the last
// filter, all in one SUBSCRIBE or one SUBSCRIBE each; published at QoS 0, 1 and 2. The delivery must
// respect the maximum QoS of the matching subscriptions (3.1.1 MQTT-3.3.5-1, 5.0 MQTT-3.3.4-2); both
// versions allow further copies, one per additional subscription at that subscription's QoS — the
// broker's choice is recorded, `--strict` intends one copy.
import { describe } from 'vitest';
import type { IPublishPacket } from 'mqtt-packet';
import { forEachProtocol, requireCapability } from '../support/harness.ts';
import { conformanceTest, type ConformanceEnv } from '../support/conformance.ts';
import { publish, rawClient, subscribe, topicFor } from '../support/conformance-flow.ts';
import { copiesOf, expectGranted, publishLevels, type Qos } from '../support/arrangements.ts';

/** Filters matching `<base>/a/b`, by name. */
const FILTERS = {
  exact: (b: string) => `${b}/a/b`,
  plus: (b: string) => `${b}/a/+`,
  'plus-middle': (b: string) => `${b}/+/b`,
  hash: (b: string) => `${b}/#`,
  'hash-parent': (b: string) => `${b}/a/b/#`, // `#` also matches the parent level (4.7.1.2)
} as const;
type FilterName = keyof typeof FILTERS;

const PAIRS: [FilterName, FilterName][] = [['exact', 'plus'], ['exact', 'hash'], ['plus', 'hash'], ['plus', 'plus-middle'], ['hash', 'hash-parent']];
const TRIPLE: FilterName[] = ['exact', 'plus', 'hash'];
const MODES = ['one-subscribe', 'separate-subscribes'] as const;
type Mode = (typeof MODES)[number];

interface Arrangement {
  key: string;
  filters: FilterName[];
  qos: Qos[];
  mode: Mode;
}

function arrangements(): Arrangement[] {
  const list: Arrangement[] = [];
  for (const mode of MODES) {
    for (const [a, b] of PAIRS) {
      list.push({ key: `${a}-${b}.max-first.${mode}`, filters: [a, b], qos: [2, 0], mode });
      list.push({ key: `${a}-${b}.max-last.${mode}`, filters: [a, b], qos: [0, 2], mode });
    }
    // Three subscriptions, the highest QoS at each position, the others 0 and 1.
    for (const [i, qos] of ([[2, 1, 0], [0, 2, 1], [1, 0, 2]] as Qos[][]).entries()) {
      list.push({ key: `${TRIPLE.join('-')}.max-at-${i}.${mode}`, filters: TRIPLE, qos, mode });
    }
  }
  return list;
}

async function subscribeAll(env: ConformanceEnv, arr: Arrangement, base: string) {
  const { client } = await rawClient(env);
  const filters = arr.filters.map((f, i) => [FILTERS[f](base), arr.qos[i]!] as [string, Qos]);
  let granted: number[];
  if (arr.mode === 'one-subscribe') granted = await subscribe(client, filters);
  else {
    granted = [];
    for (const f of filters) granted.push(...(await subscribe(client, [f])));
  }
  client.startAutoAck();
  return { client, granted: expectGranted(env, granted, arr.qos) };
}

const describeCopies = (copies: IPublishPacket[]) => copies.map((c) => c.qos).sort().join('+') || 'none';

forEachProtocol(() => {
  describe.concurrent('arrangements: overlapping subscriptions', () => {
    for (const arr of arrangements()) {
      const oneSubscribe = arr.mode === 'one-subscribe';
      conformanceTest(`arrangements.overlap.${arr.key}`,
        { '3.1.1': ['MQTT-3.3.5-1', 'MQTT-3.8.4-6', ...(oneSubscribe ? ['MQTT-3.8.4-4'] : [])], '5': ['MQTT-3.3.4-2', 'MQTT-3.8.4-8', ...(oneSubscribe ? ['MQTT-3.8.4-5'] : [])] },
        `overlap ${arr.filters.map((f, i) => `${f}@${arr.qos[i]}`).join(' + ')} (${arr.mode}): each published QoS is delivered at the highest matching QoS`, async (env) => {
          requireCapability(env.ctx, 'wildcards');
          const base = topicFor(env, 'ov');
          const topic = `${base}/a/b`;
          const { client: sub, granted } = await subscribeAll(env, arr, base);
          const { client: pub } = await rawClient(env);
          const seen: string[] = [];
          let oneCopyOnly = true;
          for (const p of publishLevels()) {
            const payload = `p${p}`;
            await publish(pub, topic, payload, p);
            const copies = await copiesOf(sub, topic, payload, 400);
            const perSubscription = granted.map((g) => Math.min(p, g)).sort();
            const what = `published at QoS ${p}, granted ${granted.join('/')}`;
            env.ctx.expect(copies.length, `${what}: copies (one, or at most one per matching subscription)`).toBeGreaterThanOrEqual(1);
            env.ctx.expect(copies.length, `${what}: copies (one, or at most one per matching subscription)`).toBeLessThanOrEqual(granted.length);
            env.ctx.expect(Math.max(...copies.map((c) => c.qos)), `${what}: highest delivered QoS`).toBe(Math.max(...perSubscription));
            // Further copies respect their own subscription's QoS: every copy's QoS is one a matching subscription gives.
            for (const c of copies) env.ctx.expect(perSubscription, `${what}: QoS ${c.qos} of a copy`).toContain(c.qos);
            if (copies.length === granted.length) env.ctx.expect(copies.map((c) => c.qos).sort(), `${what}: QoS of the copies, one per subscription`).toEqual(perSubscription);
            if (copies.length > 1) oneCopyOnly = false;
            seen.push(`QoS ${p}: ${describeCopies(copies)}`);
          }
          env.behaviour(`${oneCopyOnly ? 'one copy' : 'further copies'} (${seen.join('; ')})`, { intended: oneCopyOnly, intends: 'one copy per message' });
        });
    }
  });
});
