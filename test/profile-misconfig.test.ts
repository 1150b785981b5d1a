// Issue 15: broken TLS deployments of a broker the harness did not start are caught through --profile
// by named tests, and a profile whose broker is not there ends the run with one line and no report.
// Needs mosquitto (apt-get install -y mosquitto).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, onTestFinished, test } from 'vitest';
import { mosquittoTarget } from '../lib/targets/mosquitto-target.ts';
import type { MisconfigurationName } from '../lib/policy/misconfiguration.ts';
import { runHarness } from './support/run-harness.ts';
import { needBinary } from './support/requirements.ts';
import { startProfiledBroker } from './support/profile-of-broker.ts';
import { freePort } from '../lib/drivers/free-port.ts';

const CASES: { misconfig: MisconfigurationName; red: string[]; green: string[] }[] = [
  // require_certificate false on the client-certificate listener.
  { misconfig: 'no-require-certificate', red: ['tls.mutual-tls.no-certificate'], green: ['tls.mutual-tls.valid-certificate'] },
  // The tls listener serves an expired server certificate.
  { misconfig: 'tls-expired-cert', red: ['tls.client-verification.trust-ok', 'smoke.round-trip.tls.qos0'], green: ['smoke.round-trip.plain.qos0'] },
  // No crlfile on the mtls listener: the operator's revoked certificate gets in.
  { misconfig: 'no-crl', red: ['tls.mutual-tls.revoked'], green: ['tls.mutual-tls.expired'] },
];

describe('external Mosquitto misconfigurations through --profile', () => {
  for (const c of CASES) test(`${c.misconfig}: ${c.red.join(', ')} fail; ${c.green.join(', ')} pass`, async (ctx) => {
    needBinary(ctx, 'mosquitto');
    const profiled = await startProfiledBroker(mosquittoTarget, 'local', c.misconfig);
    onTestFinished(() => profiled.stop());
    const r = await runHarness(['--profile', profiled.profileFile, '--suite', 'smoke,tls', '--protocol', '3.1.1', '--key', [...c.red, ...c.green].join(',')], { timeoutMs: 90_000 });
    expect(r.results, r.stderr).toBeDefined();
    const status = (key: string) => r.results!.tests.find((t) => t.key === key)?.status;
    for (const key of c.red) expect(status(key), `${key}: ${JSON.stringify(r.results!.tests.find((t) => t.key === key)?.detail)}`).toBe('failed');
    for (const key of c.green) expect(status(key), key).toBe('passed');
    expect(r.code).toBe(1);
  }, 120_000);

  test('a profile whose TLS listener does not answer exits 2 with one line and writes no report', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unreachable-tls-profile-'));
    onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
    const port = await freePort();
    const file = path.join(dir, 'p.json');
    fs.writeFileSync(file, JSON.stringify({ name: 'gone', listeners: { tls: { url: `mqtts://127.0.0.1:${port}`, serverName: 'broker.example', alpn: ['mqtt'] } } }));
    const r = await runHarness(['--profile', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/gone: listener tls \(mqtts:\/\/127\.0\.0\.1:\d+\) is not reachable: ECONNREFUSED/)]);
    expect(r.results).toBeUndefined();
  });
});
