// SUBSCRIBE/SUBACK and UNSUBSCRIBE/UNSUBACK: granted QoS, several filters, wildcard matching,
// $-topics, exact-match unsubscription, completion of started deliveries.
import { describe } from 'vitest';
import type { IPublishPacket } from 'mqtt-packet';
import { forEachProtocol, notApplicable } from '../support/harness.ts';
import { conformanceTest } from '../support/conformance.ts';
import { nextPublish, nextPublishWithin, packetId, publish, quietOn, rawClient, receive, subscribe, topicFor, QUIET_MS, WAIT_MS } from '../support/conformance-flow.ts';
import { uniqueId } from '../../lib/mqtt/test-client.ts';
import { PACKET_TYPE_NAMES } from '../../lib/mqtt/frames.ts';

forEachProtocol((protocol) => {
  describe.concurrent('SUBSCRIBE and UNSUBSCRIBE', () => {
    conformanceTest('subscribe.suback-per-filter', { '3.1.1': ['MQTT-3.8.4-4', 'MQTT-3.8.4-5', 'MQTT-3.9.3-1', 'MQTT-3.9.3-2'], '5': ['MQTT-3.8.4-1', 'MQTT-3.8.4-5', 'MQTT-3.8.4-6', 'MQTT-3.9.3-1'] },
      'a SUBSCRIBE with three filters gets one SUBACK with a code per filter, in order, none above the requested QoS', async (env) => {
        const base = topicFor(env, 's');
        const { client } = await rawClient(env);
        const requested = [2, 0, 1] as const;
        const granted = await subscribe(client, requested.map((q, i) => [`${base}/${i}`, q] as [string, 0 | 1 | 2]));
        env.ctx.expect(granted.length, 'return codes').toBe(3);
        granted.forEach((g, i) => {
          env.ctx.expect([0, 1, 2, 0x80], `code ${i}`).toContain(g);
          if (g !== 0x80) env.ctx.expect(g, `granted QoS for filter ${i} (requested ${requested[i]})`).toBeLessThanOrEqual(requested[i]!);
        });
        const { client: pub } = await rawClient(env);
        for (let i = 0; i < 3; i++) {
          if (granted[i] === 0x80) continue;
          await publish(pub, `${base}/${i}`, `m${i}`, 2);
          env.ctx.expect((await receive(client, `${base}/${i}`)).qos, `delivery QoS on filter ${i}`).toBe(granted[i]);
        }
        env.ctx.expect(client.received.filter((f) => f.type === PACKET_TYPE_NAMES.indexOf('suback')).length, 'SUBACKs for one SUBSCRIBE').toBe(1);
      });

    conformanceTest('subscribe.wildcards', { '3.1.1': ['MQTT-3.8.3-2', 'MQTT-3.3.2-3', 'MQTT-4.7.1-2', 'MQTT-4.7.1-3'], '5': ['MQTT-3.3.2-3', 'MQTT-4.7.1-1', 'MQTT-4.7.1-2'] },
      'wildcard filters match per level and deliver under the published topic name (or are refused if unsupported)', async (env) => {
        const base = topicFor(env, 'wc');
        const { client: sub } = await rawClient(env);
        const granted = await subscribe(sub, [[`${base}/+/c`, 0], [`${base}/b/#`, 0], [`+/${base.split('/')[1]}/wc/x`, 0]]);
        if (granted.every((g) => g === 0x80)) {
          return env.behaviour('wildcards refused', ['wildcards supported', 'wildcards refused'], 'wildcards supported');
        }
        env.ctx.expect(granted, 'SUBACK for wildcard filters').toEqual([0, 0, 0]);
        env.behaviour('wildcards supported', ['wildcards supported', 'wildcards refused'], 'wildcards supported');
        const { client: pub } = await rawClient(env);
        for (const t of [`${base}/a/c`, `${base}/b`, `${base}/b/c/d`, `${base}/x`]) await publish(pub, t, t, 0);
        await publish(pub, `${base}/a/c/d`, 'no-match', 0);
        await publish(pub, `${base}/bb`, 'no-match', 0);
        const got: string[] = [];
        for (let i = 0; i < 4; i++) {
          const p = await sub.nextOf('publish', undefined, WAIT_MS);
          env.ctx.expect(p.topic, 'delivered topic equals the payload (the published topic)').toBe(p.payload.toString());
          got.push(p.topic);
        }
        env.ctx.expect(got.sort()).toEqual([`${base}/a/c`, `${base}/b`, `${base}/b/c/d`, `${base}/x`].sort());
        const extra = await sub.quiet(QUIET_MS, (f) => f.packet?.cmd === 'publish');
        env.ctx.expect(extra.map((f) => (f.packet as IPublishPacket).topic), 'deliveries that match no filter').toEqual([]);
      });

    conformanceTest('subscribe.dollar-topics', { '3.1.1': ['MQTT-4.7.2-1'], '5': ['MQTT-4.7.2-1'] }, 'filters starting with a wildcard do not match topics starting with $', async (env) => {
      const name = `$${uniqueId('dollar')}/t`;
      const { client: wild } = await rawClient(env);
      await subscribe(wild, [['#', 0], ['+/t', 0]]);
      const { client: exact } = await rawClient(env);
      const granted = await subscribe(exact, [[name, 0]]);
      const { client: pub } = await rawClient(env);
      await publish(pub, name, 'dollar', 0);
      // 4.7.2: the Server SHOULD prevent Clients from exchanging messages on $-topics. A broker that
      // does so (refused subscription, or nothing delivered even to the exact subscriber) leaves no
      // $-topic traffic whose wildcard matching could be observed.
      if (granted[0]! >= 0x80) notApplicable(env.ctx, `the broker refused a subscription to ${name} (code 0x${granted[0]!.toString(16)}); wildcard matching of $-topics cannot be observed`);
      // Positive control: the exact subscriber receives it, so it was published.
      if (!(await nextPublishWithin(exact, name, WAIT_MS))) notApplicable(env.ctx, `the broker delivered no PUBLISH to ${name}, not even to an exact subscriber (it keeps clients from exchanging messages on $-topics, as 4.7.2 recommends); wildcard matching of $-topics cannot be observed`);
      env.ctx.expect(await quietOn(wild, name, 300), '$-topic delivered to # or +/t').toEqual([]);
    });

    conformanceTest('subscribe.unsubscribe-exact-match', { '3.1.1': ['MQTT-3.10.4-1'], '5': ['MQTT-3.10.4-1'] }, 'UNSUBSCRIBE removes only a subscription whose filter matches character for character', async (env) => {
      const base = topicFor(env, 'u');
      const { client } = await rawClient(env);
      await subscribe(client, [[`${base}/+`, 0]]);
      const unsub = (filter: string) => {
        const messageId = packetId();
        client.send({ cmd: 'unsubscribe', messageId, unsubscriptions: [filter] });
        return client.nextOf('unsuback', (p) => p.messageId === messageId, WAIT_MS);
      };
      await unsub(`${base}/a`); // matches topics the filter covers, but is not the filter
      await unsub(`${base}/#`);
      const { client: pub } = await rawClient(env);
      await publish(pub, `${base}/a`, 'still-subscribed', 0);
      await env.expectPacket(client, nextPublish(client, `${base}/a`), 'a delivery through the filter that was not unsubscribed');
      await unsub(`${base}/+`);
      await publish(pub, `${base}/a`, 'after-unsubscribe', 0);
      env.ctx.expect(await quietOn(client, `${base}/a`, QUIET_MS), 'deliveries after the exact UNSUBSCRIBE').toEqual([]);
    });

    conformanceTest('subscribe.unsubscribe-two-filters', { '3.1.1': ['MQTT-3.10.4-2', 'MQTT-3.10.4-6', 'MQTT-3.10.4-4'], '5': ['MQTT-3.10.4-2', 'MQTT-3.10.4-6', 'MQTT-3.10.4-4'] },
      'an UNSUBSCRIBE with two filters gets one UNSUBACK and stops new messages on both', async (env) => {
        const base = topicFor(env, 'u');
        const { client } = await rawClient(env);
        await subscribe(client, [[`${base}/1`, 1], [`${base}/2`, 1]]);
        const messageId = packetId();
        client.send({ cmd: 'unsubscribe', messageId, unsubscriptions: [`${base}/1`, `${base}/2`] });
        await env.expectPacket(client, client.nextOf('unsuback', (p) => p.messageId === messageId, WAIT_MS), 'the UNSUBACK for two filters');
        const { client: pub } = await rawClient(env);
        await publish(pub, `${base}/1`, 'x', 1);
        await publish(pub, `${base}/2`, 'x', 1);
        const got = await client.quiet(QUIET_MS, (f) => f.packet?.cmd === 'publish' || f.packet?.cmd === 'unsuback');
        env.ctx.expect(got.map((f) => f.packet?.cmd), 'deliveries or extra UNSUBACKs after UNSUBSCRIBE').toEqual([]);
      });

    conformanceTest('subscribe.unsubscribe-completes-qos2', { '3.1.1': ['MQTT-3.10.4-3'], '5': ['MQTT-3.10.4-3'] }, 'a QoS 2 delivery started before UNSUBSCRIBE is completed afterwards', async (env) => {
      const topic = topicFor(env, 'u');
      const { client } = await rawClient(env);
      await subscribe(client, [[topic, 2]]);
      const { client: pub } = await rawClient(env);
      await publish(pub, topic, 'in-flight', 2);
      const p = await nextPublish(client, topic);
      const messageId = packetId();
      client.send({ cmd: 'unsubscribe', messageId, unsubscriptions: [topic] });
      await client.nextOf('unsuback', (u) => u.messageId === messageId, WAIT_MS);
      client.send({ cmd: 'pubrec', messageId: p.messageId! });
      const rel = await env.expectPacket(client, client.nextOf('pubrel', (r) => r.messageId === p.messageId, WAIT_MS), 'the PUBREL of the QoS 2 delivery started before UNSUBSCRIBE');
      env.ctx.expect(rel.messageId, 'PUBREL continues the QoS 2 flow started before UNSUBSCRIBE').toBe(p.messageId);
      client.send({ cmd: 'pubcomp', messageId: p.messageId! });
    });
  });
  void protocol;
});
