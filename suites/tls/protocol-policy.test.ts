// Protocol policy of the tls listener (minimum TLS 1.2): old versions and weak suites are refused by
// the server. Node's OpenSSL 3 only offers TLS < 1.2 and 3DES at security level 0, so the client
// lowers its own level; a refusal must come from the server (an alert), not from the client failing
// to offer — otherwise the check could never fail.
import { describe, expect, type TestContext } from 'vitest';
import { harness, notApplicable, requireCapability, requireListener } from '../support/harness.ts';
import { attemptConnect, describeAttempt } from './connect-attempt.ts';
import { expectAccepted, requirePki, trustRunCa } from './tls-support.ts';
import { keyedTest } from '../support/keyed-test.ts';
import type tls from 'node:tls';

const protocol = () => harness().protocols[0] ?? '3.1.1';
const LOCAL_FAILURE = /NO_PROTOCOLS_AVAILABLE|NO_CIPHERS_AVAILABLE|NO_CIPHER_MATCH|UNSUPPORTED_PROTOCOL/;

async function expectServerRefuses(ctx: TestContext, opts: tls.ConnectionOptions, what: string) {
  requireCapability(ctx, 'tls');
  const listener = requireListener(ctx, 'tls');
  const pki = requirePki(ctx);
  const r = await attemptConnect(listener, { protocol: protocol(), tls: { ...trustRunCa(pki), ...opts } });
  if (r.error && LOCAL_FAILURE.test(r.error)) notApplicable(ctx, `this Node/OpenSSL cannot offer ${what} (${r.error})`);
  ctx.task.meta.detail = { expected: `the server refuses ${what} (alert)`, actual: describeAttempt(r) };
  expect(r.handshake, `the server negotiated ${what}: ${r.tlsProtocol} ${r.cipher}`).toBe(false);
  expect(r.connackCode).toBeUndefined();
}

describe('protocol policy', () => {
  keyedTest('tls.protocol-policy.tls1-0-refused', 'refuses TLS 1.0', {}, (ctx) => expectServerRefuses(ctx, { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }, 'TLS 1.0'));
  keyedTest('tls.protocol-policy.tls1-1-refused', 'refuses TLS 1.1', {}, (ctx) => expectServerRefuses(ctx, { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }, 'TLS 1.1'));
  // Node's OpenSSL build no longer has 3DES; NULL (no encryption) suites can still be offered.
  keyedTest('tls.protocol-policy.null-cipher-refused', 'refuses a weak cipher suite (NULL encryption, TLS 1.2)', {}, (ctx) =>
    expectServerRefuses(ctx, { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'NULL-SHA256:ECDHE-RSA-NULL-SHA:@SECLEVEL=0' }, 'a NULL cipher suite'));

  for (const [version, key] of [['TLSv1.2', 'tls.protocol-policy.tls1-2-accepted'], ['TLSv1.3', 'tls.protocol-policy.tls1-3-accepted']] as const) {
    keyedTest(key, `accepts ${version.replace('TLSv', 'TLS ')}`, {}, async (ctx) => {
      requireCapability(ctx, 'tls');
      const listener = requireListener(ctx, 'tls');
      const pki = requirePki(ctx);
      const r = await attemptConnect(listener, { protocol: protocol(), tls: { ...trustRunCa(pki), minVersion: version, maxVersion: version } });
      expectAccepted(ctx, r);
      expect(r.tlsProtocol).toBe(version);
    });
  }
});
