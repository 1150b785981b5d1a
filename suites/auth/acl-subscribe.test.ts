// Subscriptions under the standard test ACL (split from acl.test.ts so the two files run in
// parallel). The standard test ACL (lib/policy/test-policy.ts): alice rw alice/#, r public/#; bob rw bob/#;
// everyone rw users/%u/#. Each "not delivered" check first proves the observation works (a positive
// control through the same observer), then waits an explicit quiet window.
// Keys share the area auth.acl with acl.test.ts: the split into two files is for parallelism only.
import { describe, expect } from 'vitest';
import { nextPacket, uniqueId } from '../../lib/mqtt/test-client.ts';
import { forEachProtocol, harness } from '../support/harness.ts';
import { keyedTest } from '../support/keyed-test.ts';
import { assumePolicy, asUser, observer, publishAndObserveAck, deliveredWithin, QUIET_MS } from './auth-support.ts';

forEachProtocol((protocol) => {
  describe('acl', () => {
    // The issue asks for SUBACK 0x80 (5.0: 0x87). Some brokers (mosquitto 2.0's ACL file) grant the
    // subscription and filter each message on delivery instead; without --strict that is accepted
    // and recorded as the behaviour, provided nothing from the denied topic reaches the subscriber.
    keyedTest('auth.acl.deny-subscribe', 'refuses a denied subscription in SUBACK (or never delivers on it)', {}, async (ctx) => {
      assumePolicy(ctx, [['alice', 'bob/x', 'read', false]]);
      const alice = await asUser(ctx, protocol, 'alice');
      const obs = await observer(ctx, protocol);
      const topic = `bob/${uniqueId('acl')}`;
      const suback = nextPacket(alice.client, 'suback');
      alice.client.subscribe(topic, { qos: 1 }, () => {});
      const code = ((await suback) as { granted: (number | { qos: number })[] }).granted.map((g) => (typeof g === 'number' ? g : g.qos))[0]!;
      await obs.client.publishAsync(topic, 'for-bob-only', { qos: 1 });
      await obs.log.next((m) => m.topic === topic, 5000, 'the positive control at the observer');
      const leaked = await deliveredWithin(alice.log, QUIET_MS, (m) => m.topic === topic);
      const refused = protocol === '5' ? (harness().strict ? [0x87] : [0x80, 0x87]) : [0x80];
      const hex = `0x${code.toString(16).padStart(2, '0')}`;
      ctx.task.meta.detail = {
        expected: `SUBACK ${refused.map((c) => `0x${c.toString(16)}`).join(' or ')}${harness().strict ? '' : ', or granted and nothing delivered'}`,
        actual: `SUBACK ${hex}; ${leaked.length} delivered`,
        behaviour: code >= 0x80 ? `SUBACK ${hex}` : `granted (SUBACK ${hex}), filtered on delivery`,
      };
      expect(leaked.length, 'a message on a denied topic reached the subscriber').toBe(0);
      // The message prefix tells lib/results/findings.ts that only the choice of code is wrong.
      if (harness().strict || code >= 0x80) expect(code, 'strict: SUBACK code').toBeOneOf(refused);
    });

    keyedTest('auth.acl.read-only-topic', 'allows subscribing to a read-only topic but not publishing to it', {}, async (ctx) => {
      assumePolicy(ctx, [['alice', 'public/x', 'read', true], ['alice', 'public/x', 'write', false]]);
      const alice = await asUser(ctx, protocol, 'alice');
      const obs = await observer(ctx, protocol);
      const topic = `public/${uniqueId('acl')}`;
      const granted = await alice.client.subscribeAsync(topic, { qos: 1 });
      expect(granted[0]?.qos, 'SUBACK for the read-only topic').toBeLessThan(0x80);
      await obs.client.publishAsync(topic, 'from-observer', { qos: 1 });
      await alice.log.next((m) => m.topic === topic, 5000, 'the observer\'s message on the read-only topic');
      const ack = await publishAndObserveAck(alice.client, topic, 'from-alice');
      const leaked = await deliveredWithin(obs.log, QUIET_MS, (m) => m.payload.toString() === 'from-alice');
      ctx.task.meta.detail = { expected: `alice's publish to ${topic} not delivered`, actual: `${leaked.length} delivered; publisher saw: ${ack}`, behaviour: ack };
      expect(leaked.length, 'a publish to a read-only topic was delivered').toBe(0);
    });

    keyedTest('auth.acl.wildcard-subscribe-filtered', "a restricted user's # subscription receives only what the user may read", {}, async (ctx) => {
      assumePolicy(ctx, [['bob', 'bob/x', 'read', true], ['bob', 'alice/x', 'read', false]]);
      const bob = await asUser(ctx, protocol, 'bob');
      const obs = await observer(ctx, protocol);
      const id = uniqueId('acl');
      const suback = nextPacket(bob.client, 'suback');
      bob.client.subscribe('#', { qos: 1 }, () => {});
      const code = ((await suback) as { granted: (number | { qos: number })[] }).granted.map((g) => (typeof g === 'number' ? g : g.qos))[0]!;
      const grantedSub = code < 0x80;
      await obs.client.publishAsync(`alice/${id}`, 'alice-only', { qos: 1 });
      await obs.client.publishAsync(`bob/${id}`, 'bob-may-read', { qos: 1 });
      // If the broker granted `#`, bob's own topic must arrive (the positive control) ...
      if (grantedSub) await bob.log.next((m) => m.topic === `bob/${id}`, 5000, `bob/${id} through #`);
      // ... and alice's must not, within the quiet window either way.
      const leaked = await deliveredWithin(bob.log, QUIET_MS, (m) => m.topic === `alice/${id}`);
      ctx.task.meta.detail = {
        expected: `no alice/${id} message to bob`,
        actual: `SUBACK 0x${code.toString(16)}; ${leaked.length} of alice's delivered`,
        behaviour: grantedSub ? '# granted, filtered per message' : `# refused (SUBACK 0x${code.toString(16)})`,
      };
      expect(leaked.length, "bob received alice's message through #").toBe(0);
    });
  });
});
