// --metrics-port: while a short benchmark runs, its OpenMetrics endpoint on 127.0.0.1 answers with
// a well-formed exposition (prom-client's OpenMetrics text: HELP/TYPE lines, `# EOF` last) whose
// delivery counter and p99 gauge carry the running scenario's labels and have moved. Scraped when the
// first progress line appears (the engine updates the metrics with that line), not after a sleep.
import { describe, expect, it } from 'vitest';
import { runHarness } from './support/run-harness.ts';

/** Sample lines of an OpenMetrics exposition: name, labels, value; comments and `# EOF` left out. */
function parseExposition(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const lines = text.trimEnd().split('\n');
  if (lines.at(-1) !== '# EOF') throw new Error(`exposition does not end with "# EOF": ${lines.at(-1)}`);
  return lines.filter((l) => !l.startsWith('#')).map((l) => {
    const m = l.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/);
    if (!m) throw new Error(`not an OpenMetrics sample line: ${l}`);
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1]!, x[2]!]));
    return { name: m[1]!, labels, value: Number(m[3]) };
  });
}

describe('live metrics', () => {
  it('--metrics-port serves OpenMetrics on 127.0.0.1 during a bench: delivered counter and p99 so far for the running scenario', { timeout: 120_000 }, async () => {
    // Port 0: the harness binds any free port and prints it. A port probed here first could be taken
    // by another process before the harness binds it (CI saw EADDRINUSE once, 2026-12-02).
    let port: number | undefined;
    let scrape: Promise<{ status: number; type: string | null; body: string }> | undefined;
    const run = await runHarness(['--target', 'aedes', '--driver', 'embedded', '--suite', 'bench', '--scenario', 'latency-2k.qos0', '--duration', '4', '--metrics-port', '0'], {
      timeoutMs: 100_000,
      onOutput: {
        when: /latency-2k\.qos0 \d+s: /,
        then: (_child, stderr) => {
          port = Number(/live metrics: http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(stderr)?.[1]);
          scrape = fetch(`http://127.0.0.1:${port}/metrics`).then(async (r) => ({ status: r.status, type: r.headers.get('content-type'), body: await r.text() }));
        },
      },
    });
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    expect(port, 'the port the harness printed').toBeGreaterThan(0);
    expect(run.stderr).toContain(`live metrics: http://127.0.0.1:${port}/metrics`);
    expect(scrape, 'no progress line appeared to scrape on').toBeDefined();
    const got = await scrape!;
    expect(got.status).toBe(200);
    expect(got.type).toMatch(/^application\/openmetrics-text; version=1\.0\.0/);
    const samples = parseExposition(got.body);
    const labels = { target: 'aedes', scenario: 'latency-2k.qos0' };
    const one = (name: string, extra: Record<string, string> = {}) => samples.find((x) => x.name === name && Object.entries({ ...labels, ...extra }).every(([k, v]) => x.labels[k] === v));
    process.stderr.write(`scraped ${samples.length} samples: delivered ${one('mqtt_bench_messages_delivered_total')?.value}, p99 ${one('mqtt_bench_latency_so_far_ms', { quantile: '0.99' })?.value} ms, rate ${one('mqtt_bench_delivery_rate_msgs_per_second')?.value}/s\n`);
    expect(one('mqtt_bench_messages_delivered_total')?.value).toBeGreaterThan(0);
    expect(one('mqtt_bench_messages_sent_total')?.value).toBeGreaterThan(0);
    expect(one('mqtt_bench_latency_so_far_ms', { quantile: '0.99' })?.value).toBeGreaterThan(0);
    expect(one('mqtt_bench_undelivered_messages')).toBeDefined();
    // The endpoint is gone with the run: nothing is left listening.
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });
});
