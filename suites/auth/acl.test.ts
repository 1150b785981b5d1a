// The standard test ACL (lib/policy/test-policy.ts): alice rw alice/#, r public/#; bob rw bob/#;
// (an external profile's policy may differ: each test states the facts it relies on, assumePolicy)
// everyone rw users/%u/#. Each "not delivered" check first proves the observation works (a positive
// control through the same observer), then waits an explicit quiet window.
import { describe, expect } from 'vitest';
import { uniqueId } from '../../lib/mqtt/test-client.ts';
import { forEachProtocol } from '../support/harness.ts';
import { keyedTest } from '../support/keyed-test.ts';
import { assumePolicy, aliceByCertificate, asUser, observer, publishAndObserveAck, deliveredWithin, QUIET_MS } from './auth-support.ts';

forEachProtocol((protocol) => {
  describe('acl', () => {
    keyedTest('auth.acl.allow-publish', 'delivers an allowed publish', {}, async (ctx) => {
      assumePolicy(ctx, [['alice', 'alice/x', 'write', true], ['alice', 'alice/x', 'read', true]]);
      const alice = await asUser(ctx, protocol, 'alice');
      const obs = await observer(ctx, protocol);
      const topic = `alice/${uniqueId('acl')}`;
      await alice.client.subscribeAsync(topic, { qos: 1 });
      await alice.client.publishAsync(topic, 'allowed', { qos: 1 });
      const own = await alice.log.next((m) => m.topic === topic, 5000, `alice's own message on ${topic}`);
      const copy = await obs.log.next((m) => m.topic === topic, 5000, `the observer's copy on ${topic}`);
      // Explicit checks: a test that only waits would count as having checked nothing (keyed-test.ts).
      expect([own, copy].map((m) => m.payload.toString()), 'the allowed message delivered to both subscribers').toEqual(['allowed', 'allowed']);
    });

    keyedTest('auth.acl.deny-publish', 'does not deliver a denied publish to any subscriber', {}, async (ctx) => {
      assumePolicy(ctx, [['alice', 'alice/x', 'write', true], ['alice', 'bob/x', 'write', false], ['bob', 'bob/x', 'read', true]]);
      const alice = await asUser(ctx, protocol, 'alice');
      const bob = await asUser(ctx, protocol, 'bob');
      const obs = await observer(ctx, protocol);
      const id = uniqueId('acl');
      await bob.client.subscribeAsync(`bob/${id}`, { qos: 1 });
      await alice.client.publishAsync(`alice/${id}`, 'control', { qos: 1 });
      await obs.log.next((m) => m.topic === `alice/${id}`, 5000, 'the positive control');
      const ack = await publishAndObserveAck(alice.client, `bob/${id}`, 'denied');
      const leaked = [...(await deliveredWithin(obs.log, QUIET_MS, (m) => m.topic === `bob/${id}`)), ...bob.log.messages.filter((m) => m.topic === `bob/${id}`)];
      ctx.task.meta.detail = { expected: `nothing on bob/${id} within ${QUIET_MS} ms`, actual: `${leaked.length} delivered; publisher saw: ${ack}`, behaviour: ack };
      expect(leaked.length, 'a denied publish was delivered').toBe(0);
    });

    keyedTest('auth.acl.user-pattern', 'honours the %u pattern rule', {}, async (ctx) => {
      assumePolicy(ctx, [['alice', 'users/alice/x', 'write', true], ['alice', 'users/bob/x', 'write', false]]);
      const alice = await asUser(ctx, protocol, 'alice');
      const obs = await observer(ctx, protocol);
      const id = uniqueId('acl');
      await alice.client.publishAsync(`users/alice/${id}`, 'own', { qos: 1 });
      await obs.log.next((m) => m.topic === `users/alice/${id}`, 5000, 'alice on users/alice/…');
      const ack = await publishAndObserveAck(alice.client, `users/bob/${id}`, 'not-hers');
      const leaked = await deliveredWithin(obs.log, QUIET_MS, (m) => m.topic === `users/bob/${id}`);
      ctx.task.meta.detail = { expected: `users/bob/${id} not delivered`, actual: `${leaked.length} delivered; publisher saw: ${ack}`, behaviour: ack };
      expect(leaked.length, 'alice published under users/bob/').toBe(0);
    });

    keyedTest('auth.acl.certificate-identity', 'certificate identity as user name meets the same ACL (mtls listener)', {}, async (ctx) => {
      assumePolicy(ctx, [['alice', 'alice/x', 'write', true], ['alice', 'bob/x', 'write', false]]);
      const alice = await aliceByCertificate(ctx, protocol);
      const obs = await observer(ctx, protocol);
      const id = uniqueId('acl');
      await alice.client.publishAsync(`alice/${id}`, 'by-certificate', { qos: 1 });
      await obs.log.next((m) => m.topic === `alice/${id}`, 5000, `alice/${id} published by certificate identity`);
      const ack = await publishAndObserveAck(alice.client, `bob/${id}`, 'denied');
      const leaked = await deliveredWithin(obs.log, QUIET_MS, (m) => m.topic === `bob/${id}`);
      ctx.task.meta.detail = { expected: `bob/${id} not delivered`, actual: `${leaked.length} delivered; publisher saw: ${ack}`, behaviour: ack };
      expect(leaked.length, 'the certificate user published outside its ACL').toBe(0);
    });
  });
});
