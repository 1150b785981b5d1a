// Protocol policy of the tls listener (minimum TLS 1.2): old versions and weak suites are refused by
// the server. Node's OpenSSL 3 only offers TLS < 1.2 and 3DES at security level 0, so the client
// lowers its own level; a refusal must come from the server, otherwise the check could never fail:
// - refused = a TLS alert from the server, or the server closing the connection after our ClientHello
//   without completing a handshake;
// - the client unable to offer the version/suite at all = not-applicable;
// - no answer within the timeout, or no TCP connection (refused/reset before the ClientHello went
//   out) = the check failed: nobody refused anything, the listener just was not there to ask.
import { describe, expect, type TestContext } from 'vitest';
import { harness, notApplicable, requireCapability, requireListener } from '../support/harness.ts';
import { attemptConnect, describeAttempt, type AttemptResult } from './connect-attempt.ts';
import { expectAccepted, requirePki, trustRunCa } from './tls-support.ts';
import { keyedTest } from '../support/keyed-test.ts';
import type tls from 'node:tls';

const protocol = () => harness().protocols[0] ?? '3.1.1';
const LOCAL_FAILURE = /NO_PROTOCOLS_AVAILABLE|NO_CIPHERS_AVAILABLE|NO_CIPHER_MATCH|UNSUPPORTED_PROTOCOL/;
/** OpenSSL's names for an alert received from the peer, e.g. ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION. */
const SERVER_ALERT = /^ERR_SSL_(SSLV3|TLSV1|TLSV13)_ALERT_/;

/** How the server refused the attempt, or undefined when the outcome is not a refusal by the server. */
function serverRefusal(r: AttemptResult): string | undefined {
  if (r.handshake || r.connackCode !== undefined || !r.tcpConnected || r.timedOut) return undefined;
  if (r.error && SERVER_ALERT.test(r.error)) return `server alert ${r.error}`;
  if (r.closed) return `server closed the connection after the ClientHello${r.error ? ` (${r.error})` : ''}`;
  return undefined;
}

async function expectServerRefuses(ctx: TestContext, opts: tls.ConnectionOptions, what: string) {
  requireCapability(ctx, 'tls');
  const listener = requireListener(ctx, 'tls');
  const pki = requirePki(ctx);
  const r = await attemptConnect(listener, { protocol: protocol(), tls: { ...trustRunCa(pki), ...opts } });
  if (r.error && LOCAL_FAILURE.test(r.error)) notApplicable(ctx, `this Node/OpenSSL cannot offer ${what} (${r.error})`);
  const refusal = serverRefusal(r);
  const outcome = !r.tcpConnected ? 'no TCP connection, no ClientHello sent' : r.timedOut ? 'no answer within the timeout' : refusal;
  ctx.task.meta.detail = {
    expected: `the server refuses ${what} (an alert, or a close after the ClientHello)`,
    actual: `${describeAttempt(r)}${outcome ? `; ${outcome}` : ''}`,
    ...(refusal ? { behaviour: refusal } : {}),
  };
  expect(r.handshake, `the server negotiated ${what}: ${r.tlsProtocol} ${r.cipher}`).toBe(false);
  expect(r.connackCode).toBeUndefined();
  expect(refusal, `not a refusal by the server: ${describeAttempt(r)}${outcome ? `; ${outcome}` : ''}`).toBeDefined();
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
