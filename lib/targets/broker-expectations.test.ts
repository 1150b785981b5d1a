// The expectations files this issue owns: every deviation names its test, the broker version it was
// seen with (a range holding that version, never `*`), the failure it expects, and a reason tied to a
// statement — or says plainly why it is not one. Harness limitations are fixed, not listed.
import { describe, expect, test } from 'vitest';
import { loadExpectations } from '../results/expectations.ts';
import { versionInRange } from '../results/version-range.ts';
import { ROOT } from '../core/paths.ts';

describe.each([
  // Every version the entries were seen with: the host's package, and a trixie image's (target-versions.ts).
  { target: 'rabbitmq', versions: ['3.10.8', '4.0.5'] },
  { target: 'ejabberd', versions: ['23.01', '24.12'] },
  { target: 'activemq', versions: ['5.17.2', '5.17.6'] },
])('fixtures/expectations/$target.json', ({ target, versions }) => {
  const entries = loadExpectations(ROOT, target);
  test('is not empty and has no duplicate (key, protocol)', () => {
    expect(entries.length).toBeGreaterThan(0);
    const keys = entries.map((e) => `${e.protocol} ${e.key}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
  test.each(entries.map((e) => [e.key.slice(0, 90), e] as const))('%s', (_name, e) => {
    expect(versions.some((v) => versionInRange(v, e.brokerVersions)), `${e.brokerVersions} holds one of ${versions.join(', ')}`).toBe(true);
    expect(e.reason).not.toMatch(/harness limitation/i);
    expect(e.reason.length).toBeGreaterThan(60);
    const citesStatement = /\[MQTT-[\d.]+-\d+\]/.test(e.reason) || (e.spec?.length ?? 0) > 0;
    const saysWhyNot = /^(Intermittent \(.*?\)\. )?(Not a spec violation|Not a deviation|ejabberd (?:23\.01|\(seen with [\d. and]+\)) cannot|ActiveMQ 5\.17(?:\.\d| \(seen with [\d. and]+\)) cannot|ejabberd (?:23\.01|\(seen with [\d. and]+\)) with `tls_verify)/.test(e.reason);
    expect(citesStatement || saysWhyNot, 'reason cites a statement or says it is not a broker deviation').toBe(true);
  });
});
