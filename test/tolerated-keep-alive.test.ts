// Needs the mosquitto binary (local driver). Mosquitto 2.0.11 closes a silent Keep Alive 1 s client
// 3.5–6.9 s after its last packet, beyond the 1.5 s of MQTT-3.1.2-24: a default run passes it only by
// its stated tolerance, so the result carries the measured value and a `tolerated` note (counted in
// the summary), and --strict fails it with the measured value.
import { expect, test } from 'vitest';
import { runHarness } from './support/run-harness.ts';
import { needBinary } from './support/requirements.ts';

const args = ['--target', 'mosquitto', '--driver', 'local', '--suite', 'conformance', '--protocol', '3.1.1', 'keeps a pinging client'];
const keepAlive = (doc: NonNullable<Awaited<ReturnType<typeof runHarness>>['results']>) =>
  doc.tests.find((t) => t.key === 'connect.keep-alive' && t.protocol === '3.1.1');

test('a tolerated keep-alive shows its measured value; --strict fails it', async (ctx) => {
  needBinary(ctx, 'mosquitto');
  const [run, strict] = await Promise.all([runHarness(args, { timeoutMs: 120_000 }), runHarness([...args, '--strict'], { timeoutMs: 120_000 })]);

  expect(run.code, run.stderr).toBe(0);
  const t = keepAlive(run.results!);
  expect(t?.status, JSON.stringify(t)).toBe('passed');
  const m = t!.detail?.measured;
  expect(m).toMatchObject({ what: 'close after the last packet', bound: 'at-most', specMs: 1500, toleratedMs: 11500, appliedMs: 11500 });
  expect(m!.valueMs).toBeLessThanOrEqual(11500);
  // Mosquitto 2.0.11 is usually late (3.5–6.9 s), but an idle CI machine once saw it close on time
  // (within the 100 ms margin of 1.5 s). Each run is judged by its own measurement: on time, nothing
  // is tolerated (or, under --strict, failed); the tolerated path is also unit-tested in
  // lib/conformance/timing.test.ts.
  const margin = m!.marginMs ?? 100;
  const late = (valueMs: number) => valueMs > 1500 + margin;
  if (late(m!.valueMs)) {
    expect(t!.detail?.tolerated).toMatch(/^close after the last packet: \d+(\.\d)? s with Keep Alive 1 s; the specification allows at most 1\.5 s/);
    expect(run.stdout + run.stderr).toMatch(/Tolerated: 1 passed only by the default tolerance/);
  } else {
    console.log(`mosquitto closed on time in the default run (${m!.valueMs} ms): no tolerance applied`);
    expect(t!.detail?.tolerated).toBeUndefined();
  }

  const s = keepAlive(strict.results!);
  expect(s!.detail?.measured?.appliedMs).toBe(1500);
  if (late(s!.detail!.measured!.valueMs)) {
    expect(s?.status, JSON.stringify(s)).toBe('failed');
    expect(s!.detail?.reason).toMatch(/^--strict: close after the last packet: .* the specification allows at most 1\.5 s/);
    expect(strict.code).not.toBe(0);
  } else {
    console.log(`mosquitto closed on time in the --strict run (${s!.detail!.measured!.valueMs} ms)`);
    expect(s?.status, JSON.stringify(s)).toBe('passed');
    expect(strict.code).toBe(0);
  }
}, 180_000);
