// Release gating with expectations: a listed deviation keeps the run at exit 0; the same run with
// that one entry removed (--expectations pointing at a copy without it) exits 1 with the test
// failed. Bad --expectations input exits 2 before anything starts. Embedded aedes, one vector.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runHarness } from './support/run-harness.ts';
import { ROOT } from '../lib/core/paths.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'expectations-gate-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const aedes = JSON.parse(fs.readFileSync(path.join(ROOT, 'fixtures/expectations/aedes.json'), 'utf8')) as { target: string; deviations: { id: string }[] };
const entry = aedes.deviations.find((d) => d.id.includes('Will QoS 3 closes without CONNACK'))!;
// Not quiet: the live progress (stderr) is checked too.
const run = (expectations: string) => runHarness(['--target', 'aedes', '--suite', 'conformance', '--protocol', '3.1.1', '--expectations', expectations, 'Will QoS 3'], { env: { HARNESS_QUIET: '' } });
const write = (name: string, doc: unknown) => { const p = path.join(dir, name); fs.writeFileSync(p, JSON.stringify(doc)); return p; };

describe('--expectations', () => {
  test('the entry excuses the known deviation (exit 0); without it the same run exits 1', { timeout: 120_000 }, async () => {
    expect(entry, 'aedes.json lists the Will QoS 3 deviation').toBeDefined();
    const withEntry = await run(write('aedes-full.json', aedes));
    expect(withEntry.code, withEntry.stderr).toBe(0);
    expect(withEntry.results!.tests.find((t) => t.id === entry.id)!.status).toBe('expected-failure');
    expect(withEntry.stderr).toContain(`known deviation  mqtt 3.1.1  ${entry.id}`);
    expect(withEntry.stderr).toMatch(/conformance\/vectors: 0 passed, 0 failed, 1 known deviation, \d+ not run/);
    expect(withEntry.stderr).not.toMatch(/\bFAIL\b/);

    const without = await run(write('aedes-minus-one.json', { ...aedes, deviations: aedes.deviations.filter((d) => d !== entry) }));
    expect(without.code, without.stderr).toBe(1);
    expect(without.results!.tests.find((t) => t.id === entry.id)!.status).toBe('failed');
    expect(without.stderr).toContain(`FAIL  mqtt 3.1.1  ${entry.id}`);
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
});
