// MQTT 5.0 enhanced authentication (AUTH). Brokers without an authentication method still owe the
// observable basics: an unknown method is refused and the connection closed, and a client that
// names no method never sees AUTH or an Authentication Method. Method-specific exchanges need a
// target that declares a method; none does yet, so those are not-applicable with that reason.
import { expect } from 'vitest';
import type { IConnackPacket } from 'mqtt-packet';
import { forProtocol5, v5Test } from '../support/conformance.ts';
import { notApplicable, harness } from '../support/harness.ts';
import { subscribeV5, publishV5 } from '../support/conformance-flow.ts';
import { uniqueId } from '../../lib/mqtt/test-client.ts';

forProtocol5(() => {
  v5Test('v5.auth.unsupported-method', ['MQTT-4.12.0-1', 'MQTT-3.1.4-2', 'MQTT-3.2.2-7', 'MQTT-3.2.2-6'],
    'refuses an unsupported Authentication Method: CONNACK 0x8C or 0x87 (optional) and close', async (env) => {
      const s = await env.open();
      s.send({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 5, clean: true, keepalive: 60, clientId: uniqueId('au'), properties: { authenticationMethod: 'X-HARNESS-UNKNOWN-1' } });
      // One close wait for both uses (the race and, after a CONNACK, the close that must follow); the
      // loser of the race is handled so that its timeout is no unhandled rejection.
      const closed = s.expectClose(5000);
      const connack = s.log.next<IConnackPacket>('connack', 5000);
      for (const p of [closed, connack]) p.catch(() => {});
      const answer = await Promise.race([connack, closed]);
      if ('cmd' in answer && (answer.reasonCode ?? 0) === 0) expect.fail('accepted a CONNECT with an unknown Authentication Method (CONNACK 0x00)');
      if ('cmd' in answer) {
        expect([0x8c, 0x87]).toContain(answer.reasonCode);
        expect(answer.sessionPresent).toBe(false);
        await env.expectPacket(s, closed, `the close after CONNACK 0x${(answer.reasonCode ?? 0).toString(16)}`);
      }
      expect(s.log.packets.some((p) => p.cmd === 'auth'), 'AUTH for a method the server does not support').toBe(false);
      const refusals = ['CONNACK 0x8c then close', 'CONNACK 0x87 then close'];
      env.behaviour('cmd' in answer ? `CONNACK 0x${(answer.reasonCode ?? 0).toString(16)} then close` : 'closed without CONNACK', [...refusals, 'closed without CONNACK'], refusals);
    });

  v5Test('v5.auth.none-without-method', ['MQTT-4.12.0-6'],
    'sends no AUTH packet and no Authentication Method to a client that named none', async (env) => {
      const { client: s, connack } = await env.connect();
      expect(connack.properties?.authenticationMethod).toBeUndefined();
      const topic = `${uniqueId('t')}/noauth`;
      await subscribeV5(s, [{ topic, qos: 1 }]);
      await publishV5(s, topic, 'x', { qos: 1 });
      await s.log.next('publish');
      s.send({ cmd: 'pingreq' });
      await s.log.nextNew('pingresp');
      expect(s.log.packets.filter((p) => p.cmd === 'auth')).toHaveLength(0);
    });

  v5Test('v5.auth.unexpected-auth', ['MQTT-4.13.1-1', '§4.12'],
    'treats AUTH from a client that named no Authentication Method as a Protocol Error and closes', async (env) => {
      const { client: s } = await env.connect();
      s.send({ cmd: 'auth', reasonCode: 0x19, properties: { authenticationMethod: 'X-HARNESS-UNKNOWN-2' } });
      const out = await s.expectClose(5000);
      expect(s.closed, 'the connection closed after the unexpected AUTH').toBe(true);
      if (out.disconnect) expect([0x82, 0x8c]).toContain(out.disconnect.reasonCode);
      env.note(out.disconnect ? `DISCONNECT 0x${(out.disconnect.reasonCode ?? 0).toString(16)}` : 'closed without DISCONNECT');
    });

  v5Test('v5.auth.challenge-response', ['MQTT-4.12.0-2', 'MQTT-4.12.0-4', 'MQTT-4.12.0-5', 'MQTT-3.15.2-1', 'MQTT-4.12.1-2'],
    'runs a challenge/response exchange with a method the target declares', async (env) => {
      notApplicable(env.ctx, `${harness().target.name} declares no enhanced authentication method (AUTH exchange); add one to its target descriptor to run this`);
    });
});
