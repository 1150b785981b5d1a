import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../core/paths.ts';
import { BENCHMARK_KINDS } from '../results/types.ts';
import { METRICS } from '../results/thresholds.ts';
import { SCENARIO_KINDS, SCENARIO_KIND_REGISTRY } from './scenario-kinds.ts';
import { sweepResult, sweepStep } from './sweep-curve.ts';
import { aggregateScenario } from './aggregate-result.ts';
import { encodeHistogram, newLatencyHistogram, recordMs } from './latency-stats.ts';
import { parseScenario } from './scenario.ts';

const h = newLatencyHistogram();
recordMs(h, 1);
const oneSample = encodeHistogram(h);

describe('scenario kind registry', () => {
  it('has one entry per benchmark kind of the results document (micro aside), and the schema names the same kinds', () => {
    expect([...SCENARIO_KINDS, 'micro'].sort()).toEqual([...BENCHMARK_KINDS].sort());
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'fixtures/schema/results.schema.json'), 'utf8'));
    expect([...schema.properties.benchmarks.items.properties.kind.enum].sort()).toEqual([...BENCHMARK_KINDS].sort());
  });

  // What a kind declares is what its aggregated result carries: every declared metric reads a value
  // from a run with data, and `extra` holds only declared keys.
  it.each(SCENARIO_KINDS)('%s: declared metrics and extras match the aggregated result', (kind) => {
    const spec = SCENARIO_KIND_REGISTRY[kind];
    const s = parseScenario({ name: 'k', kind, count: 10, ratePerSec: 100 }, 'f');
    const layout = spec.layout(s, 'p', 1);
    const one = aggregateScenario(s, spec, layout, {
      startMs: 0, publishedAtMs: 1000, deliveredAtPublishedEnd: 10, sent: { 0: 10 }, ratePerSec: 100, rssBeforeBytes: 0, rssAfterBytes: 1000,
      brokerSamples: [{ tMs: 500, cpuPercent: 10, rssBytes: 100 }],
      workers: [{ histogram: oneSample, connectHistogram: oneSample, connectedMs: 100, retainedWindowMs: 100, held: 10, connectorBytesPerConnection: 5000, trackers: [{ publisherId: 0, group: [...layout.groupPublishers.keys()][0] ?? '', unique: 10, duplicates: 0, reordered: 0 }], memberCounts: [10], cpuMs: 1, wallMs: 1000 }],
    }, 't');
    // A stepped kind folds its steps' results into one (sweep-curve.ts).
    const r = spec.steps ? sweepResult(s, [one], [sweepStep(s, one, layout.publisherCount)!], 'the last step') : one;
    for (const m of spec.metrics) expect(METRICS[m](r), m).not.toBeUndefined();
    for (const key of Object.keys(r.extra ?? {})) expect(spec.result.extraKeys).toContain(key);
  });

  it('latency: inFlightWindow is read at QoS 1/2 and refused at QoS 0, naming the field', () => {
    expect(parseScenario({ name: 'w', kind: 'latency', qos: 1, ratePerSec: 100, inFlightWindow: 20 }, 'f').inFlightWindow).toBe(20);
    expect(parseScenario({ name: 'w', kind: 'latency', qos: 1, ratePerSec: 100 }, 'f').inFlightWindow).toBeUndefined();
    expect(() => parseScenario({ name: 'w', kind: 'latency', qos: 0, ratePerSec: 100, inFlightWindow: 20 }, 'f')).toThrow(/inFlightWindow 20 .*qos 1 or 2/);
    expect(() => parseScenario({ name: 'w', kind: 'latency', qos: 1, ratePerSec: 100, inFlightWindow: 0 }, 'f')).toThrow(/inFlightWindow 0 .*integer from 1 to 65535/);
  });
});
