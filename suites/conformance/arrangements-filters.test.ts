// Topic-filter rules in the arrangements where topic trees differ: `#` matching its parent level,
// `+` matching an empty level (first, middle, last), `+` and `#` together; `$`-topics against every
// leading-wildcard form; UNSUBSCRIBE of one of two overlapping filters; re-SUBSCRIBE of an existing
// filter (each filter kind, QoS up and down, with deliveries queued); retained messages through `+`
// and `#` filters. Each check proves both sides: the topics that must match arrive, the others do not.
import { describe } from 'vitest';
import { uniqueId } from '../../lib/mqtt/test-client.ts';
import { forEachProtocol, notApplicable, requireCapability } from '../support/harness.ts';
import { conformanceTest, type ConformanceEnv } from '../support/conformance.ts';
import { nextPublishWithin, packetId, publish, quietOn, rawClient, subscribe, topicFor, QUIET_MS, WAIT_MS } from '../support/conformance-flow.ts';
import { copiesOf, copiesSoFar, expectGranted, FILTER_KINDS, filterFor, publishLevels, topicsReceived, type Qos } from '../support/arrangements.ts';

const HASH_IDS = { '3.1.1': ['MQTT-4.7.1-2', 'MQTT-3.3.2-3'], '5': ['MQTT-4.7.1-1', 'MQTT-3.3.2-3'] };
const PLUS_IDS = { '3.1.1': ['MQTT-4.7.1-3', 'MQTT-3.3.2-3'], '5': ['MQTT-4.7.1-2', 'MQTT-3.3.2-3'] };
const BOTH_IDS = { '3.1.1': ['MQTT-4.7.1-2', 'MQTT-4.7.1-3', 'MQTT-3.3.2-3'], '5': ['MQTT-4.7.1-1', 'MQTT-4.7.1-2', 'MQTT-3.3.2-3'] };

/** One filter and the topics it must and must not match (examples of 4.7.1.2 and 4.7.1.3). */
interface MatchCase {
  key: string;
  ids: typeof HASH_IDS;
  title: string;
  build(base: string, u: string): { filter: string; match: string[]; noMatch: string[] };
}

const MATCH_CASES: MatchCase[] = [
  { key: 'hash-parent-level', ids: HASH_IDS, title: '"<b>/a/#" matches <b>/a (its parent level), <b>/a/, <b>/a/x/y — not <b>, <b>/ab',
    build: (b) => ({ filter: `${b}/a/#`, match: [`${b}/a`, `${b}/a/`, `${b}/a/x`, `${b}/a/x/y`], noMatch: [`${b}`, `${b}/ab`, `${b}/b/a`] }) },
  { key: 'hash-below-base', ids: HASH_IDS, title: '"<b>/#" matches <b>, <b>/, <b>//x, <b>/x/y/z — not <b>x',
    build: (b) => ({ filter: `${b}/#`, match: [`${b}`, `${b}/`, `${b}//x`, `${b}/x/y/z`], noMatch: [`${b}x`] }) },
  { key: 'plus-empty-middle', ids: PLUS_IDS, title: '"<b>/+/c" matches <b>//c (empty level) and <b>/x/c — not <b>/c, <b>/x/y/c, <b>/x/c/d',
    build: (b) => ({ filter: `${b}/+/c`, match: [`${b}//c`, `${b}/x/c`], noMatch: [`${b}/c`, `${b}/x/y/c`, `${b}/x/c/d`] }) },
  { key: 'plus-empty-last', ids: PLUS_IDS, title: '"<b>/+" matches <b>/ (empty last level) and <b>/x — not <b> or <b>/x/y',
    build: (b) => ({ filter: `${b}/+`, match: [`${b}/`, `${b}/x`], noMatch: [`${b}`, `${b}/x/y`] }) },
  { key: 'plus-empty-first', ids: PLUS_IDS, title: '"+/<u>" matches /<u> (empty first level) and x/<u> — not <u> or x/y/<u>',
    build: (_b, u) => ({ filter: `+/${u}`, match: [`/${u}`, `x/${u}`], noMatch: [`${u}`, `x/y/${u}`] }) },
  { key: 'plus-then-hash', ids: BOTH_IDS, title: '"<b>/+/#" matches <b>/x (# as parent level), <b>//, <b>/x/y — not <b>',
    build: (b) => ({ filter: `${b}/+/#`, match: [`${b}/x`, `${b}//`, `${b}/x/y`], noMatch: [`${b}`] }) },
];

/** Filters starting with a wildcard, each of which must not match `$<u>/t` (MQTT-4.7.2-1). */
const DOLLAR_FILTERS: Record<string, (u: string) => string> = {
  hash: () => '#',
  'plus-level': () => '+/t',
  'plus-plus': () => '+/+',
  'plus-hash': () => '+/#',
};

async function unsubscribe(env: ConformanceEnv, client: Awaited<ReturnType<typeof rawClient>>['client'], filters: string[]) {
  const messageId = packetId();
  client.send({ cmd: 'unsubscribe', messageId, unsubscriptions: filters });
  await client.nextOf('unsuback', (p) => p.messageId === messageId, WAIT_MS);
  void env;
}

/** Publishes a retained message on each topic and removes them all when the test ends. */
async function retainedOn(env: ConformanceEnv, topics: string[], qos: Qos) {
  const { client: pub } = await rawClient(env);
  env.ctx.onTestFinished(async () => { for (const t of topics) await publish(pub, t, '', 0, true); });
  for (const t of topics) await publish(pub, t, `retained ${t}`, qos, true);
}

forEachProtocol(() => {
  describe.concurrent('arrangements: filter matching', () => {
    for (const c of MATCH_CASES) {
      conformanceTest(`arrangements.match.${c.key}`, c.ids, c.title, async (env) => {
        requireCapability(env.ctx, 'wildcards');
        const base = topicFor(env, 'm');
        const { filter, match, noMatch } = c.build(base, uniqueId('m'));
        const { client: sub } = await rawClient(env);
        expectGranted(env, await subscribe(sub, [[filter, 1]]), [1]);
        sub.startAutoAck();
        const { client: pub } = await rawClient(env);
        for (const t of [...noMatch, ...match]) await publish(pub, t, t, 1);
        for (const t of match) env.ctx.expect((await copiesOf(sub, t, t, 0)).length, `delivery on ${t} through ${filter}`).toBeGreaterThanOrEqual(1);
        await sub.quiet(QUIET_MS);
        env.ctx.expect(topicsReceived(sub, noMatch), `deliveries through ${filter} on topics it does not match`).toEqual([]);
        for (const p of copiesSoFar(sub, match[0]!)) env.ctx.expect(p.topic, 'delivered under the published topic name').toBe(p.payload.toString());
      });
    }
  });

  describe.concurrent('arrangements: $-topics', () => {
    for (const [name, build] of Object.entries(DOLLAR_FILTERS)) {
      conformanceTest(`arrangements.dollar.${name}`, { '3.1.1': ['MQTT-4.7.2-1'], '5': ['MQTT-4.7.2-1'] },
        `a filter starting with a wildcard (${build('u')}) does not match a $-topic`, async (env) => {
          requireCapability(env.ctx, 'wildcards');
          const u = `$${uniqueId('dollar')}`;
          const topic = `${u}/t`;
          const { client: wild } = await rawClient(env);
          expectGranted(env, await subscribe(wild, [[build(u), 0]]), [0]);
          const { client: exact } = await rawClient(env);
          const granted = await subscribe(exact, [[topic, 0], [`${u}/#`, 0], [`${u}/+`, 0]]);
          const { client: pub } = await rawClient(env);
          await publish(pub, topic, 'dollar', 1);
          // 4.7.2: the Server SHOULD keep Clients off $-topics; then no matching can be observed.
          if (granted[0]! >= 0x80) notApplicable(env.ctx, `the broker refused a subscription to ${topic} (code 0x${granted[0]!.toString(16)}); wildcard matching of $-topics cannot be observed`);
          if (!(await nextPublishWithin(exact, topic, WAIT_MS))) notApplicable(env.ctx, `the broker delivered no PUBLISH to ${topic}, not even to an exact subscriber (it keeps clients off $-topics, as 4.7.2 recommends)`);
          env.ctx.expect(await quietOn(wild, topic, QUIET_MS), `$-topic delivered to ${build(u)}`).toEqual([]);
        });
    }
  });

  describe.concurrent('arrangements: UNSUBSCRIBE of one overlapping filter', () => {
    const pairs = [['exact', 'plus'], ['exact', 'hash'], ['plus', 'hash']] as const;
    for (const [a, b] of pairs) {
      for (const removed of [a, b]) {
        const kept = removed === a ? b : a;
        for (const mode of ['one-subscribe', 'separate-subscribes'] as const) {
          conformanceTest(`arrangements.unsubscribe-overlap.${a}-${b}.remove-${removed}.${mode}`, { '3.1.1': ['MQTT-3.10.4-1', 'MQTT-3.10.4-2'], '5': ['MQTT-3.10.4-1', 'MQTT-3.10.4-2'] },
            `UNSUBSCRIBE of the ${removed} filter of ${a} + ${b} (${mode}) leaves the ${kept} one delivering, at its own QoS`, async (env) => {
              requireCapability(env.ctx, 'wildcards');
              const base = topicFor(env, 'uo');
              const topic = `${base}/a/b`;
              const top = publishLevels().at(-1)!;
              // The removed filter has the higher QoS, so a copy still sent through it shows.
              const filters: [string, Qos][] = [[filterFor(kept, base), 0], [filterFor(removed, base), top]];
              const { client: sub } = await rawClient(env);
              if (mode === 'one-subscribe') expectGranted(env, await subscribe(sub, filters), [0, top]);
              else for (const f of filters) expectGranted(env, await subscribe(sub, [f]), [f[1]]);
              sub.startAutoAck();
              const { client: pub } = await rawClient(env);
              await publish(pub, topic, 'before', top);
              env.ctx.expect((await copiesOf(sub, topic, 'before', 300)).length, 'deliveries before UNSUBSCRIBE').toBeGreaterThanOrEqual(1);
              await unsubscribe(env, sub, [filterFor(removed, base)]);
              await publish(pub, topic, 'after', top);
              const after = await copiesOf(sub, topic, 'after', QUIET_MS);
              env.ctx.expect(after.map((p) => p.qos), `copies after UNSUBSCRIBE of ${filterFor(removed, base)} (one, at the QoS 0 of ${filterFor(kept, base)})`).toEqual([0]);
            });
        }
      }
    }
  });

  describe.concurrent('arrangements: re-SUBSCRIBE to an existing filter', () => {
    for (const kind of FILTER_KINDS) {
      conformanceTest(`arrangements.resubscribe.qos-changes.${kind}`, { '3.1.1': ['MQTT-3.8.4-3', 'MQTT-3.8.4-6'], '5': ['MQTT-3.8.4-3', 'MQTT-3.8.4-8'] },
        `re-SUBSCRIBE to the same ${kind} filter with QoS 1→2→0→2→1 replaces it each time: one copy per message, at the new QoS`, async (env) => {
          if (kind !== 'exact') requireCapability(env.ctx, 'wildcards');
          const base = topicFor(env, 'rs');
          const topic = `${base}/a/b`;
          const filter = filterFor(kind, base);
          const top = publishLevels().at(-1)!;
          const { client: sub } = await rawClient(env);
          sub.startAutoAck();
          const { client: pub } = await rawClient(env);
          for (const [i, q] of ([1, 2, 0, 2, 1] as Qos[]).entries()) {
            const [g] = expectGranted(env, await subscribe(sub, [[filter, q]]), [q]);
            const payload = `step${i}`;
            await publish(pub, topic, payload, top);
            const copies = await copiesOf(sub, topic, payload, 300);
            env.ctx.expect(copies.map((p) => p.qos), `copies after SUBSCRIBE #${i + 1} at QoS ${q} (granted ${g}), published at ${top}`).toEqual([Math.min(top, g!)]);
          }
        });

      conformanceTest(`arrangements.resubscribe.queued-not-lost.${kind}`, { '3.1.1': ['MQTT-3.8.4-3'], '5': ['MQTT-3.8.4-4'] },
        `re-SUBSCRIBE to the same ${kind} filter while QoS 1 deliveries are unacknowledged or queued loses none of them`, async (env) => {
          if (kind !== 'exact') requireCapability(env.ctx, 'wildcards');
          const base = topicFor(env, 'rq');
          const topic = `${base}/a/b`;
          const filter = filterFor(kind, base);
          const { client: sub } = await rawClient(env);
          expectGranted(env, await subscribe(sub, [[filter, 1]]), [1]);
          const { client: pub } = await rawClient(env);
          const payloads = ['m1', 'm2', 'm3'];
          for (const p of payloads) await publish(pub, topic, p, 1);
          await sub.log.next((p) => p.cmd === 'publish' && p.topic === topic, WAIT_MS, 'the first delivery');
          await subscribe(sub, [[filter, 1]]); // the first is still unacknowledged; others may be queued behind it
          sub.startAutoAck();
          for (const p of payloads) env.ctx.expect((await copiesOf(sub, topic, p, 0)).length, `delivery of ${p} across the re-SUBSCRIBE`).toBeGreaterThanOrEqual(1);
        });
    }
  });

  describe.concurrent('arrangements: retained messages through wildcards', () => {
    // Retained topics under <b>, and per filter the ones it matches.
    const retainedTopics = (b: string) => [b, `${b}/a`, `${b}/a/b`, `${b}/x/b`, `${b}//b`];
    const cases: { key: string; filter: (b: string) => string; matches: (b: string) => string[]; qos: Qos; ids: typeof HASH_IDS }[] = [
      { key: 'plus-last', filter: (b) => `${b}/+`, matches: (b) => [`${b}/a`], qos: 0, ids: PLUS_IDS },
      { key: 'plus-middle', filter: (b) => `${b}/+/b`, matches: (b) => [`${b}/a/b`, `${b}/x/b`, `${b}//b`], qos: 1, ids: PLUS_IDS },
      { key: 'hash', filter: (b) => `${b}/#`, matches: (b) => retainedTopics(b), qos: 2, ids: HASH_IDS },
      { key: 'hash-parent', filter: (b) => `${b}/a/#`, matches: (b) => [`${b}/a`, `${b}/a/b`], qos: 1, ids: HASH_IDS },
    ];
    for (const c of cases) {
      const ids = { '3.1.1': ['MQTT-3.3.1-6', 'MQTT-3.8.4-6', ...c.ids['3.1.1']], '5': ['MQTT-3.3.1-9', 'MQTT-3.8.4-8', ...c.ids['5']] };
      conformanceTest(`arrangements.retained-wildcard.${c.key}`, ids,
        `a new ${c.key} subscription at QoS ${c.qos} receives the retained message of every matching topic, and only those, with RETAIN 1`, async (env) => {
          requireCapability(env.ctx, 'retain');
          requireCapability(env.ctx, 'wildcards');
          const base = topicFor(env, 'rw');
          const all = retainedTopics(base);
          const stored = publishLevels().includes(1) ? 1 : 0;
          await retainedOn(env, all, stored);
          const { client: sub } = await rawClient(env);
          const [g] = expectGranted(env, await subscribe(sub, [[c.filter(base), c.qos]]), [c.qos]);
          sub.startAutoAck();
          for (const t of c.matches(base)) {
            const copies = await copiesOf(sub, t, `retained ${t}`, 0);
            env.ctx.expect(copies.length, `retained message of ${t} through ${c.filter(base)}`).toBeGreaterThanOrEqual(1);
            env.ctx.expect(copies[0]!.retain, `RETAIN on ${t}`).toBe(true);
            env.ctx.expect(copies[0]!.qos, `QoS of ${t} (stored at ${stored}, granted ${g})`).toBe(Math.min(stored, g!));
          }
          await sub.quiet(QUIET_MS);
          const others = all.filter((t) => !c.matches(base).includes(t));
          env.ctx.expect(topicsReceived(sub, others), `retained messages through ${c.filter(base)} on topics it does not match`).toEqual([]);
        });
    }
  });
});
