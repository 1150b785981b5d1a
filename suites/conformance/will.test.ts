// Will messages: published on abnormal close and on keep-alive expiry, with the Will QoS and Retain;
// not published after DISCONNECT or without the Will flag.
import { describe } from 'vitest';
import { forEachProtocol } from '../support/harness.ts';
import { conformanceTest } from '../support/conformance.ts';
import { nextPublish, publish, quietOn, rawClient, receive, subscribe, topicFor, KEEP_ALIVE_TOLERANCE_MS, QUIET_MS } from '../support/conformance-flow.ts';

forEachProtocol(() => {
  describe.concurrent('Will messages', () => {
    conformanceTest('will.published-on-drop', { '3.1.1': ['MQTT-3.1.2-8', 'MQTT-3.1.2-9', 'MQTT-3.1.2-16'], '5': ['MQTT-3.1.2-8', 'MQTT-3.1.2-14'] },
      'the Will is published with its QoS and RETAIN 0 when the connection drops without DISCONNECT', async (env) => {
        const topic = topicFor(env, 'will');
        const { client: sub } = await rawClient(env);
        await subscribe(sub, [[topic, 2]]);
        const { client: dying } = await rawClient(env, { will: { topic, payload: Buffer.from('gone'), qos: 1, retain: false } });
        dying.destroy();
        const will = await env.expectPacket(sub, receive(sub, topic), 'the Will after the connection dropped');
        env.ctx.expect(will.payload.toString()).toBe('gone');
        env.ctx.expect(will.qos, 'Will QoS (subscription granted 2)').toBe(1);
        env.ctx.expect(will.retain, 'RETAIN on a Will published with Will Retain 0').toBe(false);
        // Forwarded to an existing subscription RETAIN is 0 either way (MQTT-3.3.1-9), so whether it was
        // published as non-retained shows only to a new subscription: it must get nothing.
        const { client: late } = await rawClient(env);
        await subscribe(late, [[topic, 0]]);
        env.ctx.expect(await quietOn(late, topic, 300), 'a Will with Will Retain 0 stored as a retained message').toEqual([]);
      });

    conformanceTest('will.retained', { '3.1.1': ['MQTT-3.1.2-17', 'MQTT-3.1.2-7'], '5': ['MQTT-3.1.2-15'] },
      'a Will with Will Retain 1 is published as a retained message that outlives the publisher session', async (env) => {
        const topic = topicFor(env, 'will-retained');
        const { client: dying } = await rawClient(env, { will: { topic, payload: Buffer.from('retained-will'), qos: 0, retain: true } });
        dying.destroy();
        await dying.expectClose();
        // A subscriber arriving afterwards gets it as a retained message; waiting for it also waits for the publish.
        const deadline = Date.now() + 3000;
        for (;;) {
          const { client: late } = await rawClient(env);
          await subscribe(late, [[topic, 0]]);
          const got = (await quietOn(late, topic, 300))[0];
          if (got) {
            env.ctx.expect(got.payload.toString()).toBe('retained-will');
            env.ctx.expect(got.retain, 'RETAIN on a retained Will sent to a new subscriber').toBe(true);
            await publish(late, topic, '', 0, true); // clear it
            return;
          }
          late.destroy();
          if (Date.now() > deadline) env.ctx.expect.fail('no retained Will within 3 s of the abnormal close');
        }
      });

    conformanceTest('will.none-after-disconnect', { '3.1.1': ['MQTT-3.1.2-10', 'MQTT-3.14.4-3'], '5': ['MQTT-3.1.2-10', 'MQTT-3.14.4-3'] },
      'no Will is published after a DISCONNECT', async (env) => {
        const topic = topicFor(env, 'will');
        const { client: sub } = await rawClient(env);
        await subscribe(sub, [[topic, 0]]);
        const { client: leaving } = await rawClient(env, { will: { topic, payload: Buffer.from('must-not-appear'), qos: 0, retain: false } });
        leaving.disconnect();
        await leaving.expectClose();
        env.ctx.expect(await quietOn(sub, topic, QUIET_MS + 200), 'Will published after DISCONNECT').toEqual([]);
        // Positive control: the subscription itself works.
        await publish(sub, topic, 'control', 0);
        await nextPublish(sub, topic);
      });

    conformanceTest('will.keep-alive-expiry', { '3.1.1': ['MQTT-3.1.2-24', 'MQTT-3.1.2-8'], '5': ['MQTT-3.1.2-22', 'MQTT-3.1.2-8'] },
      'the Will is published when the broker drops a client for keep-alive expiry', async (env) => {
        const topic = topicFor(env, 'will');
        const { client: sub } = await rawClient(env);
        await subscribe(sub, [[topic, 0]]);
        await rawClient(env, { keepalive: 1, will: { topic, payload: Buffer.from('timed-out'), qos: 0, retain: false } });
        const t0 = Date.now();
        // The keep-alive close is due at 1.5 s; a default run tolerates KEEP_ALIVE_TOLERANCE_MS more (timer ticks) and notes it.
        const toleratedMs = 1500 + KEEP_ALIVE_TOLERANCE_MS;
        const will = await nextPublish(sub, topic, toleratedMs);
        env.ctx.expect(will.payload.toString()).toBe('timed-out');
        env.measure({ what: 'Will after the last packet', valueMs: Date.now() - t0, bound: 'at-most', specMs: 1500, toleratedMs, context: 'with Keep Alive 1 s' });
      }, { timeoutMs: 25_000 });

    conformanceTest('will.no-will-flag', { '3.1.1': ['MQTT-3.1.2-12'], '5': [] },
      'a client without the Will flag leaves nothing behind when its connection drops', async (env) => {
        const prefix = topicFor(env, 'nowill');
        const { client: sub } = await rawClient(env);
        await subscribe(sub, [[`${prefix}/#`, 0]]);
        const { client: dying } = await rawClient(env);
        await publish(dying, `${prefix}/alive`, 'control', 0);
        await nextPublish(sub, `${prefix}/alive`);
        dying.destroy();
        const got = await sub.quiet(QUIET_MS, (f) => f.packet?.cmd === 'publish');
        env.ctx.expect(got.map((f) => f.bytes.toString('hex')), 'messages after the abnormal close').toEqual([]);
      });

    conformanceTest('will.disconnect-reserved-flags', { '3.1.1': ['MQTT-3.14.1-1', 'MQTT-4.8.0-1'] },
      'a DISCONNECT with reserved flags set is a protocol violation: connection closed and the Will published', async (env) => {
        const topic = topicFor(env, 'will');
        const { client: sub } = await rawClient(env);
        await subscribe(sub, [[topic, 0]]);
        const { client: bad } = await rawClient(env, { will: { topic, payload: Buffer.from('malformed-disconnect'), qos: 0, retain: false } });
        bad.send('e1 00');
        await bad.expectClose();
        const will = await env.expectPacket(sub, nextPublish(sub, topic), 'the Will of the connection closed for a malformed DISCONNECT');
        env.ctx.expect(will.payload.toString()).toBe('malformed-disconnect');
      });
  });
});
