import { describe, expect, it } from 'vitest';
import { layoutConnections } from './scenario-layout.ts';
import { parseScenario, selectScenarios } from './scenario.ts';

describe('scenario data', () => {
  it('rejects an unknown field and a bad value, naming the scenario', () => {
    expect(() => parseScenario({ name: 'x', kind: 'throughput', qoss: 1 }, 'f.json')).toThrow(/scenario x in f.json: field "qoss"/);
    expect(() => parseScenario({ name: 'x', kind: 'throughput', qos: 3 }, 'f.json')).toThrow(/qos 3 is not allowed/);
  });
  it('runs the throughput scenario a latency rate fraction refers to first', () => {
    const t = parseScenario({ name: 't', kind: 'throughput' }, 'f');
    const l = parseScenario({ name: 'l', kind: 'latency', rateFraction: { of: 't', fraction: 0.5 } }, 'f');
    expect(selectScenarios([t, l], ['l']).map((s) => s.name)).toEqual(['t', 'l']);
  });
  it('fan-out expects N deliveries per message; pairs split publisher and subscriber over two workers', () => {
    const fanOut = layoutConnections(parseScenario({ name: 'f', kind: 'throughput', topology: 'fan-out', clients: 3 }, 'f'), 'p', 2);
    expect(fanOut.perWorker.flatMap((w) => w.publishers)).toEqual([expect.objectContaining({ deliveriesPerMessage: 3 })]);
    expect(fanOut.perWorker.flatMap((w) => w.subscribers)).toHaveLength(3);
    const pair = layoutConnections(parseScenario({ name: 'p', kind: 'throughput' }, 'f'), 'p', 2);
    expect(pair.perWorker[0]!.subscribers).toHaveLength(1);
    expect(pair.perWorker[1]!.publishers).toHaveLength(1);
  });
});
