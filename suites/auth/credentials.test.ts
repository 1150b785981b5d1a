// Login on the auth listener (password file, no anonymous access), for each protocol version.
// CONNACK codes: 3.1.1 0x04 "bad user name or password" / 0x05 "not authorized"; 5.0 0x86 / 0x87.
// By default either refusal code passes and the one chosen is recorded; --strict accepts only the one
// the specification intends for the case (bad credentials → 0x04/0x86; no credentials → 0x05/0x87).
import { describe, expect, type TestContext } from 'vitest';
import { forEachProtocol, harness, requireCapability, requireListener } from '../support/harness.ts';
import { keyedTest } from '../support/keyed-test.ts';
import { attemptConnect, describeAttempt } from '../tls/connect-attempt.ts';
import { passwordOf } from './auth-support.ts';
import type { ProtocolVersion } from '../../lib/core/broker.ts';

type Case = 'bad-credentials' | 'no-credentials';

function acceptedCodes(protocol: ProtocolVersion, kind: Case): number[] {
  const v5 = protocol === '5';
  if (!harness().strict) return v5 ? [0x86, 0x87] : [4, 5];
  if (kind === 'bad-credentials') return v5 ? [0x86] : [4];
  return v5 ? [0x87] : [5];
}

async function expectRefusedLogin(ctx: TestContext, protocol: ProtocolVersion, kind: Case, creds: { username?: string; password?: string }) {
  requireCapability(ctx, 'passwordAuth');
  const r = await attemptConnect(requireListener(ctx, 'auth'), { protocol, ...creds });
  const codes = acceptedCodes(protocol, kind);
  ctx.task.meta.detail = {
    expected: `CONNACK ${codes.map((c) => `0x${c.toString(16).padStart(2, '0')}`).join(' or ')}, then close`,
    actual: describeAttempt(r),
    ...(r.connackCode !== undefined ? { behaviour: `CONNACK 0x${r.connackCode.toString(16).padStart(2, '0')}` } : {}),
  };
  expect(r.connackCode, 'CONNACK code').toBeOneOf(codes);
  expect(r.closed, 'the broker must close after a refusing CONNACK').toBe(true);
}

forEachProtocol((protocol) => {
  const spec = protocol === '5' ? ['MQTT-3.2.2-7'] : ['MQTT-3.2.2-5'];
  describe('credentials', () => {
    keyedTest('auth.credentials.anonymous-refused', 'refuses an anonymous client', { spec }, (ctx) =>
      expectRefusedLogin(ctx, protocol, 'no-credentials', {}));
    keyedTest('auth.credentials.wrong-password-refused', 'refuses a wrong password', { spec }, (ctx) =>
      expectRefusedLogin(ctx, protocol, 'bad-credentials', { username: 'alice', password: 'not-her-password' }));
    keyedTest('auth.credentials.unknown-user-refused', 'refuses an unknown user', { spec }, (ctx) =>
      expectRefusedLogin(ctx, protocol, 'bad-credentials', { username: 'mallory', password: 'whatever' }));
    keyedTest('auth.credentials.username-without-password-refused', 'refuses a user name without a password', { spec }, (ctx) =>
      expectRefusedLogin(ctx, protocol, 'bad-credentials', { username: 'alice' }));
    keyedTest('auth.credentials.valid-user-accepted', 'accepts a valid user', {}, async (ctx) => {
      requireCapability(ctx, 'passwordAuth');
      const r = await attemptConnect(requireListener(ctx, 'auth'), { protocol, username: 'alice', password: passwordOf(ctx, 'alice') });
      ctx.task.meta.detail = { expected: 'CONNACK 0', actual: describeAttempt(r) };
      expect(r.connackCode).toBe(0);
    });
  });
});
