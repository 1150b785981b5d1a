import { describe, expect, test } from 'vitest';
import { parseScenario } from './scenario.ts';
import { retryStep, stopReason, sweepRates, sweepResult, sweepStep, withAttempts } from './sweep-curve.ts';
import { baseResult } from './aggregate-result.ts';
import { kneeCharts } from '../report/charts/knee-chart.ts';
import type { BenchmarkResult } from '../results/types.ts';

const s = parseScenario({ name: 'sw', kind: 'sweep', ratePerSec: 1000, maxSteps: 4, p99BoundMs: 10 }, 'f');
const run = (rate: number, p99Ms: number, lost = 0): BenchmarkResult => ({
  ...baseResult(s, 'mosquitto'), ratePerSec: rate, msgsPerSec: rate, sent: rate, received: rate - lost,
  latency: { count: rate, p50Ms: 1, p90Ms: 2, p99Ms, p999Ms: p99Ms, maxMs: p99Ms, meanMs: 1 },
  loss: { lost, duplicates: 0, reordered: 0, lossRate: lost / rate },
});

describe('sweep curve', () => {
  test('geometric rates; a sweep needs a start rate', () => {
    expect(sweepRates(s)).toEqual([1000, 2000, 4000, 8000]);
    expect(() => parseScenario({ name: 'sw', kind: 'sweep' }, 'f')).toThrow(/ratePerSec .*first step/);
    expect(() => parseScenario({ name: 'sw', kind: 'sweep', ratePerSec: 10, rateFactor: 1 }, 'f')).toThrow(/rateFactor 1 .*from 1.1 to 10/);
  });

  test('the knee is the last step within the bound; a breach or a loss stops the sweep', () => {
    const runs = [run(1000, 2), run(2000, 4), run(4000, 30)];
    const steps = runs.map((r) => sweepStep(s, r, 1)!);
    expect(stopReason(s, steps[1], runs[1]!)).toBeUndefined();
    expect(stopReason(s, steps[2], runs[2]!)).toMatch(/p99 30 ms > 10 ms/);
    expect(stopReason(s, sweepStep(s, run(8000, 1, 3), 1), run(8000, 1, 3))).toMatch(/3 lost/);
    const r = sweepResult(s, runs, steps, 'p99');
    expect(r.sweep?.kneeMsgsPerSec).toBe(2000);
    expect(r.msgsPerSec).toBe(2000);
    expect(r.sweep?.steps.map((x) => x.withinBound)).toEqual([true, true, false]);
  });

  test('a p99 beyond the bound is retried (default once), a loss never; the counted step keeps the earlier p99', () => {
    const slow = sweepStep(s, run(4000, 30), 1)!;
    expect(retryStep(s, slow, 1)).toBe(true);
    expect(retryStep(s, slow, 2)).toBe(false);
    expect(retryStep(s, sweepStep(s, run(4000, 1, 2), 1)!, 1)).toBe(false);
    expect(retryStep(s, sweepStep(s, run(4000, 2), 1)!, 1)).toBe(false);
    expect(retryStep(parseScenario({ name: 'sw', kind: 'sweep', ratePerSec: 1000, retries: 0 }, 'f'), slow, 1)).toBe(false);
    const again = withAttempts(sweepStep(s, run(4000, 3), 1)!, [slow]);
    expect(again).toMatchObject({ withinBound: true, attempts: 2, retriedP99Ms: [30] });
    expect(stopReason(s, withAttempts(slow, [slow]), run(4000, 30))).toMatch(/in each of 2 runs \(earlier: 30 ms\)/);
    expect(() => parseScenario({ name: 'sw', kind: 'sweep', ratePerSec: 10, retries: 9 }, 'f')).toThrow(/retries/);
  });

  test('no step within the bound: no knee (no data), not zero', () => {
    const runs = [run(1000, 50)];
    expect(sweepResult(s, runs, runs.map((x) => sweepStep(s, x, 1)!), 'p99').sweep?.kneeMsgsPerSec).toBeUndefined();
  });

  test('the knee chart draws one line per broker and the bound', async () => {
    const a = sweepResult(s, [run(1000, 2), run(2000, 30)], [sweepStep(s, run(1000, 2), 1)!, sweepStep(s, run(2000, 30), 1)!], 'p99');
    const [chart] = await kneeCharts([a, { ...a, target: 'aedes' }]);
    expect(chart?.title).toMatch(/Knee .*mosquitto 1,000, aedes 1,000 msgs\/s/);
    expect(chart?.svg).toContain('<svg');
  });
});
