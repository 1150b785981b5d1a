// Release gating with expectations: a listed deviation keeps the run at exit 0; the same run with
// that one entry removed (--expectations pointing at a copy without it) exits 1 with the test
// failed. An entry excuses only the failure it names (another failure of the test is a failure), only
// for the broker versions it names, and an entry whose test passes is stale (exit 1 under
// --strict-expectations). Bad --expectations input exits 2 before anything starts. Embedded aedes,
// two vectors. Entries are found by the key of the test the run reports (keys, not titles).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runHarness } from './support/run-harness.ts';
import { ROOT } from '../lib/core/paths.ts';
import type { ExpectationsFile } from '../lib/results/expectations.ts';
import { validateResults } from '../lib/results/validate-results.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'expectations-gate-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const aedes = JSON.parse(fs.readFileSync(path.join(ROOT, 'fixtures/expectations/aedes.json'), 'utf8')) as ExpectationsFile;
const TITLE = 'Will QoS 3 closes without CONNACK';
// Not quiet: the live progress (stderr) is checked too.
const run = (expectations: string, ...extra: string[]) => runHarness(['--target', 'aedes', '--suite', 'conformance', '--protocol', '3.1.1', '--expectations', expectations, ...extra, 'Will QoS 3'], { env: { HARNESS_QUIET: '' } });
// A vector aedes passes, next to the Will QoS 3 one it fails (positional words: a test matching either runs).
const PASSING = 'vector.connect.second-connect';
const runTwo = (expectations: string, ...extra: string[]) => runHarness(['--target', 'aedes', '--suite', 'conformance', '--protocol', '3.1.1', '--expectations', expectations, ...extra, 'Will QoS 3', 'second CONNECT']);
const willQos3 = () => aedes.deviations.find((d) => d.key === 'vector.connect.will-qos-3' && d.protocol === '3.1.1')!;
const write = (name: string, doc: unknown) => { const p = path.join(dir, name); fs.writeFileSync(p, JSON.stringify(doc)); return p; };

describe('--expectations', () => {
  test('the entry excuses the known deviation (exit 0); without it the same run exits 1', { timeout: 120_000 }, async () => {
    const withEntry = await run(write('aedes-full.json', aedes));
    expect(withEntry.code, withEntry.stderr).toBe(0);
    const judged = withEntry.results!.tests.find((t) => t.title.includes(TITLE))!;
    expect(judged.status).toBe('expected-failure');
    const entry = aedes.deviations.find((d) => d.key === judged.key && (d.protocol == null || d.protocol === judged.protocol));
    expect(entry, `aedes.json lists the Will QoS 3 deviation under key ${judged.key}`).toBeDefined();
    expect(withEntry.stderr).toContain(`known deviation  mqtt 3.1.1  ${judged.id}`);
    expect(withEntry.stderr).toMatch(/conformance\/vectors: 0 passed, 0 failed, 1 known deviation, \d+ not run/);
    expect(withEntry.stderr).not.toMatch(/\bFAIL\b/);

    const without = await run(write('aedes-minus-one.json', { ...aedes, deviations: aedes.deviations.filter((d) => d !== entry) }));
    expect(without.code, without.stderr).toBe(1);
    expect(without.results!.tests.find((t) => t.key === judged.key)!.status).toBe('failed');
    expect(without.stderr).toContain(`FAIL  mqtt 3.1.1  ${judged.id}`);
    expect(without.stderr).toMatch(/conformance\/vectors: 0 passed, 1 failed, \d+ not run/);
  });

  test('an entry met by a different failure does not excuse it: exit 1, the detail names the failure expected and the one seen', { timeout: 120_000 }, async () => {
    const other = { ...willQos3(), failure: { reason: 'got the connection closed' } };
    const r = await run(write('aedes-other-failure.json', { target: 'aedes', deviations: [other] }));
    expect(r.code, r.stderr).toBe(1);
    const t = r.results!.tests.find((x) => x.key === other.key)!;
    expect(t.status).toBe('failed');
    expect(t.detail?.expectation?.differentFailure).toBe('expected a failure with reason contains "got the connection closed"; seen: reason "expected the broker to close the connection, got packet 20020000"');
    expect(r.stdout).toContain('not the listed deviation: expected a failure with reason contains "got the connection closed"');
    expect(validateResults(r.results)).toEqual([]);
  });

  test('an entry out of its version range does not apply: the failure is a plain failure, a pass is not stale', { timeout: 120_000 }, async () => {
    const later = [{ ...willQos3(), brokerVersions: '>=1.3.0' }, { key: PASSING, protocol: '3.1.1', brokerVersions: '<1.2.0', failure: { reason: 'got packet' }, reason: 'fixed in 1.2.0 (synthetic)' }];
    const r = await runTwo(write('aedes-out-of-range.json', { target: 'aedes', deviations: later }), '--strict-expectations');
    expect(r.code, r.stderr).toBe(1);
    expect(r.results!.targets[0]!.brokerVersion).toBe('1.2.0');
    const byKey = (k: string) => r.results!.tests.find((x) => x.key === k)!;
    expect([byKey(willQos3().key).status, byKey(willQos3().key).detail?.expectation]).toEqual(['failed', undefined]);
    expect([byKey(PASSING).status, byKey(PASSING).detail?.expectation]).toEqual(['passed', undefined]);
    expect(r.results!.targets[0]!.staleExpectations).toBeUndefined();
  });

  test('a stale entry (its test passes) is reported; exit 0 without --strict-expectations, exit 1 with it', { timeout: 180_000 }, async () => {
    const file = write('aedes-stale.json', { target: 'aedes', deviations: [willQos3(), { key: PASSING, protocol: '3.1.1', brokerVersions: '1.2.0', failure: { reason: 'got packet 20020000' }, reason: 'claims aedes answers a second CONNECT (synthetic)' }] });
    const lenient = await runTwo(file);
    expect(lenient.code, lenient.stderr).toBe(0);
    expect(lenient.results!.targets[0]!.staleExpectations).toEqual([`[mqtt 3.1.1] ${PASSING}`]);
    const t = lenient.results!.tests.find((x) => x.key === PASSING)!;
    expect([t.status, t.detail?.expectation?.stale]).toEqual(['passed', true]);
    expect(lenient.results!.tests.find((x) => x.key === willQos3().key)!.status).toBe('expected-failure');
    expect(lenient.stdout).toMatch(new RegExp(`stale  aedes mqtt 3\\.1\\.1  ${PASSING.replace(/\./g, '\\.')}  \\(1\\.2\\.0\\)`));
    expect(validateResults(lenient.results)).toEqual([]);

    const strict = await runTwo(file, '--strict-expectations');
    expect(strict.code, strict.stderr).toBe(1);
    expect(strict.results!.run.exitCode).toBe(1);
    expect(strict.stdout).toContain('--strict-expectations: the run fails');
  });

  test('--strict-expectations is a flag: a value is refused (exit 2)', async () => {
    const bad = await runHarness(['--target', 'aedes', '--strict-expectations=yes']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/strict-expectations/);
  });

  test('a missing file, or a file for a target the run does not include, exits 2 before anything starts', async () => {
    const missing = await runHarness(['--expectations', path.join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--expectations .*nope\.json: no such file or directory/);
    const other = await runHarness(['--target', 'aedes', '--expectations', write('mosquitto.json', { target: 'mosquitto', deviations: [] })]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/is for target "mosquitto", which this run does not include \(aedes\)/);
    expect(other.stderr).not.toMatch(/starting aedes/);
  });

  test('an entry in the old title-id format exits 2 naming the file and the entry', async () => {
    const old = await runHarness(['--target', 'aedes', '--expectations', write('aedes-old.json', { target: 'aedes', deviations: [{ key: 'connect.x', protocol: '3.1.1', brokerVersions: '1.2.0', failure: { reason: 'r' }, reason: 'r' }, { id: 'conformance/connect › x', reason: 'r' }] })]);
    expect(old.code).toBe(2);
    expect(old.stderr.trim()).toMatch(/^error: expectations file .*aedes-old\.json: deviations\[1\] needs a string "key" naming the test .*run scripts\/migrate-expectations\.ts\)$/);
    expect(old.stderr).not.toMatch(/starting aedes/);
  });
});
