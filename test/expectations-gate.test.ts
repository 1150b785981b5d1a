// Release gating with expectations: a listed deviation keeps the run at exit 0; the same run with
// that one entry removed (--expectations pointing at a copy without it) exits 1 with the test
// failed. Bad --expectations input exits 2 before anything starts. Embedded aedes, one vector. The
// entry is found by the key of the test the run reports (expectations name keys, not titles).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runHarness } from './support/run-harness.ts';
import { ROOT } from '../lib/core/paths.ts';
import type { ExpectationsFile } from '../lib/results/expectations.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'expectations-gate-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const aedes = JSON.parse(fs.readFileSync(path.join(ROOT, 'fixtures/expectations/aedes.json'), 'utf8')) as ExpectationsFile;
const TITLE = 'Will QoS 3 closes without CONNACK';
// Not quiet: the live progress (stderr) is checked too.
const run = (expectations: string) => runHarness(['--target', 'aedes', '--suite', 'conformance', '--protocol', '3.1.1', '--expectations', expectations, 'Will QoS 3'], { env: { HARNESS_QUIET: '' } });
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
    const old = await runHarness(['--target', 'aedes', '--expectations', write('aedes-old.json', { target: 'aedes', deviations: [{ key: 'connect.x', reason: 'r' }, { id: 'conformance/connect › x', reason: 'r' }] })]);
    expect(old.code).toBe(2);
    expect(old.stderr.trim()).toMatch(/^error: expectations file .*aedes-old\.json: deviations\[1\] needs a string "key" naming the test .*run scripts\/migrate-expectations\.ts\)$/);
    expect(old.stderr).not.toMatch(/starting aedes/);
  });
});
