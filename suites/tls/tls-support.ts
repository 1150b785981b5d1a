// Shared by the TLS and auth suites: TLS client options for a listener (the run's PKI for a managed
// broker, the profile's material for an external one), and the verdict helpers for "accepted" and
// "refused" connection attempts.
import fs from 'node:fs';
import { expect, type TestContext } from 'vitest';
import type tls from 'node:tls';
import type { PkiSet } from '../../lib/pki/pki-set.ts';
import type { ListenerInfo } from '../../lib/core/broker.ts';
import type { ClientIdentity } from '../../lib/core/harness-context.ts';
import { harness, notApplicable } from '../support/harness.ts';
import { describeAttempt, listenerTls, type AttemptResult } from './connect-attempt.ts';

export function requirePki(ctx: TestContext): PkiSet {
  const pki = harness().pki;
  if (!pki) notApplicable(ctx, 'no per-run PKI for this run');
  return pki!;
}

export const isExternal = (): boolean => harness().target.driver === 'external';

const read = (f: string) => fs.readFileSync(f);

/**
 * TLS options trusting the broker's CA, optionally presenting a client certificate. A managed broker's
 * CA is the run's root; an external listener's trust anchor comes from its profile (ListenerInfo.caFile,
 * which attemptConnect and listenerTrust apply), never from the run's PKI.
 */
export function trustRunCa(pki: PkiSet, client?: { cert: string; key?: string; passphrase?: string }): tls.ConnectionOptions {
  return {
    ...(isExternal() ? {} : { ca: read(pki.caRootCert) }),
    ...(client ? { cert: read(client.cert), key: read(client.key ?? pki.clientKey), ...(client.passphrase ? { passphrase: client.passphrase } : {}) } : {}),
  };
}

/** Full TLS client options for `listener` (CA, SNI/verified name, ALPN), for MQTT.js and raw clients alike. */
export function listenerTrust(ctx: TestContext, listener: ListenerInfo): tls.ConnectionOptions {
  return { ...listenerTls(listener), ...trustRunCa(requirePki(ctx)) };
}

/** The client certificates the mtls tests present, by what they are. */
export type ClientCertCase = 'valid' | 'expired' | 'not-yet-valid' | 'revoked' | 'foreign-ca';

const NEGATIVE_FIELD = { expired: 'expired', 'not-yet-valid': 'notYetValid', revoked: 'revoked' } as const;

/**
 * The identity for a case. Managed brokers: the run's certificates. External brokers: the valid and
 * the negative ones come from the operator's CA (the profile); a foreign CA's certificate is the
 * run's own, which no external broker trusts. Not applicable where the profile gives none.
 */
export function clientIdentity(ctx: TestContext, which: ClientCertCase): ClientIdentity {
  const pki = requirePki(ctx);
  if (which === 'foreign-ca') return { certFile: pki.clientForeignCaCert, keyFile: pki.clientKey };
  if (!isExternal()) {
    const cert = { valid: pki.clientAliceCert, expired: pki.clientExpiredCert, 'not-yet-valid': pki.clientNotYetValidCert, revoked: pki.clientRevokedCert }[which];
    return { certFile: cert, keyFile: pki.clientKey };
  }
  const external = harness().external;
  if (which === 'valid') {
    if (!external?.client) notApplicable(ctx, 'the profile gives no client certificate (clientCertFile, clientKeyFile)');
    return external!.client!;
  }
  const id = external?.negative?.[NEGATIVE_FIELD[which]];
  if (!id) notApplicable(ctx, `the profile gives no ${which} client certificate from its CA (negative.${NEGATIVE_FIELD[which]}ClientCertFile)`);
  return id!;
}

/** TLS options presenting `id`. */
export function presenting(id: ClientIdentity): tls.ConnectionOptions {
  return { cert: read(id.certFile), key: read(id.keyFile), ...(id.passphrase !== undefined ? { passphrase: id.passphrase } : {}) };
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
