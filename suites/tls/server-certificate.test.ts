// The certificate each TLS listener serves, looked at beyond "does it verify": expired, expiring
// within 30 days, an RSA key under 2048 bits, a SHA-1 signature, no subjectAltName. The test records
// what it saw (detail.behaviour); lib/results/findings.ts turns each issue into a finding. A defect
// (expired, RSA under 2048 bits, SHA-1, no subjectAltName) fails the test; "expires within 30 days"
// is a warning only: the certificate is still valid, and a managed broker's per-run one always is.
// (Verification itself: client-verification.test.ts.)
import tls from 'node:tls';
import { describe, expect, type TestContext } from 'vitest';
import { requireCapability, requireListener } from '../support/harness.ts';
import { keyedTest } from '../support/keyed-test.ts';
import { listenerTls } from './connect-attempt.ts';
import { clientIdentity, presenting } from './tls-support.ts';
import { certificateIssues } from '../../lib/pki/certificate-quality.ts';
import type { ListenerInfo, ListenerName } from '../../lib/core/broker.ts';

/** The leaf certificate the listener serves (DER), read without verifying it. */
function servedCertificate(ctx: TestContext, listener: ListenerInfo): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: listener.host, port: listener.port, ...listenerTls(listener), rejectUnauthorized: false,
      ...(listener.name === 'mtls' ? presenting(clientIdentity(ctx, 'valid')) : {}),
    });
    const timer = setTimeout(() => { socket.destroy(); reject(new Error('no TLS handshake within 5000 ms')); }, 5000);
    socket.once('secureConnect', () => { clearTimeout(timer); const raw = socket.getPeerCertificate().raw; socket.destroy(); resolve(raw); });
    socket.once('error', (e: Error & { code?: string }) => { clearTimeout(timer); socket.destroy(); reject(new Error(e.code ?? e.message)); });
  });
}

describe('server certificate', () => {
  const LISTENERS: ListenerName[] = ['tls', 'mtls', 'tls-auth'];
  // Key: tls.server-certificate.<listener>, e.g. tls.server-certificate.tls.
  for (const name of LISTENERS) keyedTest(`tls.server-certificate.${name}`, `records what is wrong with the certificate the ${name} listener serves (validity, key size, signature hash, subjectAltName)`, {}, async (ctx) => {
    requireCapability(ctx, 'tls');
    const listener = requireListener(ctx, name);
    const der = await servedCertificate(ctx, listener);
    expect(der.length, 'the listener served no certificate').toBeGreaterThan(0);
    const report = certificateIssues(der);
    ctx.task.meta.detail = {
      expected: 'recorded; each issue is reported as a finding',
      actual: `${report.subject}, valid to ${report.validTo}${report.issues.length ? `: ${report.issues.map((i) => i.detail).join('; ')}` : ''}`,
      behaviour: report.issues.length ? report.issues.map((i) => i.issue).join(', ') : 'no issues',
    };
    const defects = report.issues.filter((i) => i.issue !== 'expires within 30 days').map((i) => i.detail);
    expect(defects, `defects of the certificate the ${name} listener serves`).toEqual([]);
  });
});
