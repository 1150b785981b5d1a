// A verifying client against the broker's certificates: the good chain verifies; each deliberately bad
// server certificate (served on its own `tls-bad-<scenario>` listener) fails for its own reason, which
// the test asserts precisely (the seed walkthrough's "Protocol error" is the host-name case).
// External brokers: the trust anchor and name are the profile's (ListenerInfo.caFile/serverName); the
// other CA is the run's own, which the operator's certificates do not chain to.
import { describe, expect } from 'vitest';
import { harness, notApplicable, requireCapability, requireListener } from '../support/harness.ts';
import { attemptConnect, describeAttempt } from './connect-attempt.ts';
import { expectAccepted, listenerTrust, requirePki } from './tls-support.ts';
import { keyedTest } from '../support/keyed-test.ts';
import fs from 'node:fs';
import type { BadServerCert } from '../../lib/pki/pki-set.ts';

const protocol = () => harness().protocols[0] ?? '3.1.1';

describe('client verification', () => {
  keyedTest('tls.client-verification.trust-ok', "tls-trust-ok: trusts the run's CA: handshake and CONNACK succeed", {}, async (ctx) => {
    requireCapability(ctx, 'tls');
    const listener = requireListener(ctx, 'tls');
    expectAccepted(ctx, await attemptConnect(listener, { protocol: protocol(), tls: listenerTrust(ctx, listener) }));
  });

  keyedTest('tls.client-verification.wrong-ca', 'tls-wrong-ca: fails when the client trusts another CA', {}, async (ctx) => {
    requireCapability(ctx, 'tls');
    const listener = requireListener(ctx, 'tls');
    const pki = requirePki(ctx);
    const r = await attemptConnect(listener, { protocol: protocol(), tls: { ca: fs.readFileSync(pki.caForeignCert) } });
    ctx.task.meta.detail = { expected: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY or UNABLE_TO_VERIFY_LEAF_SIGNATURE', actual: describeAttempt(r) };
    expect(r.handshake).toBe(false);
    expect(r.error).toMatch(/^(UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE)/);
  });

  const BAD: [BadServerCert, string, RegExp][] = [
    ['wrong-host', 'host-name mismatch', /^ERR_TLS_CERT_ALTNAME_INVALID/],
    ['expired', 'expired server certificate', /^CERT_HAS_EXPIRED/],
    ['not-yet-valid', 'not-yet-valid server certificate', /^CERT_NOT_YET_VALID/],
    ['self-signed', 'self-signed server certificate', /^DEPTH_ZERO_SELF_SIGNED_CERT/],
    ['fake-root', 'server certificate signed by a fake root (same DN, other key)', /^CERT_SIGNATURE_FAILURE/],
  ];
  // Key: tls.client-verification.<scenario>, e.g. tls.client-verification.wrong-host.
  for (const [scenario, what, reason] of BAD) keyedTest(`tls.client-verification.${scenario}`, `tls-bad-${scenario}: fails on a ${what}`, {}, async (ctx) => {
    requireCapability(ctx, 'tls');
    // An external broker's profile lists these as extraListeners; its tls-expired listener serves the expired case.
    const listener = harness().target.extraListeners?.[`tls-bad-${scenario}`] ?? (scenario === 'expired' ? harness().target.listeners['tls-expired'] : undefined);
    if (!listener) notApplicable(ctx, `${harness().target.name} has no listener serving the ${scenario} certificate`);
    const r = await attemptConnect(listener!, { protocol: protocol(), tls: listenerTrust(ctx, listener!) });
    ctx.task.meta.detail = { expected: `handshake fails with ${reason.source.slice(1)}`, actual: describeAttempt(r) };
    expect(r.handshake, 'the client completed a handshake it must refuse').toBe(false);
    expect(r.error).toMatch(reason);
  });
});
