// A finding about configuration the harness chose for a managed broker is the rig's: labelled so in
// results.json and the summary, and not counted against the broker. The wire-confidentiality test
// reads the password off the auth listener, which the harness configures without TLS on purpose.
// Runs against the embedded aedes broker (no binary needed).
import { expect, test } from 'vitest';
import { runHarness } from './support/run-harness.ts';

test('"credentials sent in clear" on a managed broker is labelled the rig\'s and not counted', async () => {
  const r = await runHarness(['--target', 'aedes', '--suite', 'tls', 'password listener without TLS'], { timeoutMs: 90_000 });
  expect(r.code, r.stderr).toBe(0);
  const finding = r.results!.findings?.find((f) => f.title === 'credentials sent in clear');
  expect(finding?.attribution).toBe('rig');
  expect(finding?.attributionReason).toMatch(/harness configured the auth listener without TLS on purpose/);
  expect(r.stdout).toMatch(/Rig findings \(configuration the harness chose for a managed broker; not counted against it\):\n {2}aedes {2}credentials sent in clear: /);
  expect(r.stdout).not.toMatch(/Security findings \(/); // nothing counts against aedes here
});
