// Proof that the TLS and auth suites can fail: each deliberately misconfigured broker
// (--misconfig <name>, lib/policy/misconfiguration.ts) must turn the named tests red, and only through
// a genuine `failed` verdict (not a rig error). Needs mosquitto (apt-get install -y mosquitto).
import { describe, test, expect, afterAll } from 'vitest';
import fs from 'node:fs';
import { runHarness, tempReportDir } from './support/run-harness.ts';
import { needBinary } from './support/requirements.ts';
import type { MisconfigurationName } from '../lib/policy/misconfiguration.ts';

interface Case {
  misconfig: MisconfigurationName;
  target: 'mosquitto' | 'aedes';
  driver: 'local' | 'embedded';
  /** Positional name filters, so each run executes only the relevant tests. */
  filters: string[];
  /** Test ids (without target/protocol) that must be `failed`. */
  red: string[];
  finding: string;
}

const CASES: Case[] = [
  {
    misconfig: 'anonymous-auth', target: 'mosquitto', driver: 'local', filters: ['refuses an anonymous client'],
    red: ['auth/credentials › credentials › refuses an anonymous client'], finding: 'anonymous access allowed',
  },
  {
    misconfig: 'no-require-certificate', target: 'mosquitto', driver: 'local', filters: ['without a certificate'],
    red: ['tls/mutual-tls › mutual TLS › refuses a client without a certificate'], finding: 'client certificates not enforced',
  },
  {
    misconfig: 'no-crl', target: 'mosquitto', driver: 'local', filters: ['revoked client certificate'],
    red: ['tls/mutual-tls › mutual TLS › refuses a revoked client certificate (CRL)'], finding: 'revoked client certificates accepted',
  },
  {
    misconfig: 'acl-allow-all', target: 'mosquitto', driver: 'local',
    filters: ['denied publish', 'pattern rule', 'denied subscription', "'s # subscription", 'read-only topic', 'certificate identity'],
    red: [
      'auth/acl › acl › does not deliver a denied publish to any subscriber',
      'auth/acl › acl › honours the %u pattern rule',
      'auth/acl › acl › certificate identity as user name meets the same ACL (mtls listener)',
      'auth/acl-subscribe › acl › allows subscribing to a read-only topic but not publishing to it',
      'auth/acl-subscribe › acl › refuses a denied subscription in SUBACK (or never delivers on it)',
      "auth/acl-subscribe › acl › a restricted user's # subscription receives only what the user may read",
    ],
    finding: 'ACL not enforced',
  },
  {
    misconfig: 'tls-expired-cert', target: 'mosquitto', driver: 'local', filters: ['tls-trust-ok'],
    red: ["tls/client-verification › client verification › tls-trust-ok: trusts the run's CA: handshake and CONNACK succeed"],
    finding: 'server certificate does not verify',
  },
  {
    misconfig: 'any-password', target: 'aedes', driver: 'embedded', filters: ['wrong password', 'unknown user'],
    red: ['auth/credentials › credentials › refuses a wrong password', 'auth/credentials › credentials › refuses an unknown user'],
    finding: 'password check not enforced',
  },
  {
    misconfig: 'acl-allow-all', target: 'aedes', driver: 'embedded', filters: ['denied publish', "'s # subscription"],
    red: [
      'auth/acl › acl › does not deliver a denied publish to any subscriber',
      "auth/acl-subscribe › acl › a restricted user's # subscription receives only what the user may read",
    ],
    finding: 'ACL not enforced',
  },
  {
    misconfig: 'tls-weak-protocols', target: 'aedes', driver: 'embedded', filters: ['refuses TLS 1.', 'weak cipher suite'],
    red: [
      'tls/protocol-policy › protocol policy › refuses TLS 1.0',
      'tls/protocol-policy › protocol policy › refuses TLS 1.1',
      'tls/protocol-policy › protocol policy › refuses a weak cipher suite (NULL encryption, TLS 1.2)',
    ],
    finding: 'weak TLS accepted',
  },
  {
    misconfig: 'hold-malformed-open', target: 'aedes', driver: 'embedded', filters: ['the plain port'],
    red: [
      'tls/robustness › robustness › closes a TLS ClientHello sent to the plain port and keeps serving',
      'tls/robustness › robustness › closes random bytes on the plain port and keeps serving',
    ],
    finding: 'broker did not survive malformed input',
  },
];

const reportDirs: string[] = [];
afterAll(() => { for (const d of reportDirs) fs.rmSync(d, { recursive: true, force: true }); });

describe('misconfigured brokers turn the matching tests red', () => {
  test.for(CASES)('$target ($driver) with $misconfig', { timeout: 120_000 }, async (c, ctx) => {
    if (c.target === 'mosquitto') needBinary(ctx, 'mosquitto');
    const reportDir = tempReportDir();
    reportDirs.push(reportDir);
    const run = await runHarness(['--target', c.target, '--driver', c.driver, '--suite', 'tls,auth', '--misconfig', c.misconfig, ...c.filters], {
      reportDir, timeoutMs: 110_000,
    });
    expect(run.code, run.stderr.slice(-2000)).toBe(1);
    const tests = run.results!.tests;
    for (const id of c.red) {
      const hits = tests.filter((t) => t.id === id);
      expect(hits.length, `${id} did not run; ran: ${tests.map((t) => t.id).join('; ')}`).toBeGreaterThan(0);
      for (const t of hits) expect(t.status, `${id} (${t.protocol})`).toBe('failed');
    }
    expect(run.results!.findings?.map((f) => f.title)).toContain(c.finding);
  });

  test('an unknown --misconfig is bad input: one line naming the allowed names, exit 2', async () => {
    const reportDir = tempReportDir();
    reportDirs.push(reportDir);
    const run = await runHarness(['--suite', 'smoke', '--misconfig', 'nonsense'], { reportDir, timeoutMs: 60_000 });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/--misconfig "nonsense" is not allowed; use one of: anonymous-auth, .*hold-malformed-open$/)]);
  });
});
