// Shared by the TLS and auth suites: the run's PKI as TLS client options, and the verdict helpers
// for "accepted" and "refused" connection attempts.
import fs from 'node:fs';
import { expect, type TestContext } from 'vitest';
import type tls from 'node:tls';
import type { PkiSet } from '../../lib/pki/pki-set.ts';
import { harness, notApplicable } from '../support/harness.ts';
import { describeAttempt, type AttemptResult } from './connect-attempt.ts';

export function requirePki(ctx: TestContext): PkiSet {
  const pki = harness().pki;
  if (!pki) notApplicable(ctx, 'no per-run PKI for this target (external broker: its own certificates)');
  return pki!;
}

const read = (f: string) => fs.readFileSync(f);

/** TLS options trusting the run's root CA, optionally presenting a client certificate. */
export function trustRunCa(pki: PkiSet, client?: { cert: string; key?: string; passphrase?: string }): tls.ConnectionOptions {
  return {
    ca: read(pki.caRootCert),
    ...(client ? { cert: read(client.cert), key: read(client.key ?? pki.clientKey), ...(client.passphrase ? { passphrase: client.passphrase } : {}) } : {}),
  };
}

export function expectAccepted(ctx: TestContext, r: AttemptResult): void {
  ctx.task.meta.detail = { expected: 'TLS handshake and CONNACK 0', actual: describeAttempt(r) };
  expect(r.connackCode, describeAttempt(r)).toBe(0);
}

/**
 * Refused = no successful CONNACK and the connection closes. Under TLS 1.3 the refusal of a client
 * certificate arrives after the client's handshake callback (alert or bare close), so the alert is
 * recorded, not required.
 */
export function expectRefused(ctx: TestContext, r: AttemptResult, expected: string): void {
  ctx.task.meta.detail = { expected, actual: describeAttempt(r), behaviour: r.error ? `refused with ${r.error}` : 'refused with a bare close' };
  expect(r.connackCode === 0, `a successful CONNACK arrived: ${describeAttempt(r)}`).toBe(false);
  expect(r.closed, `the connection was not closed: ${describeAttempt(r)}`).toBe(true);
}
