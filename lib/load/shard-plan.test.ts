import { describe, expect, it } from 'vitest';
import { parseScenario } from './scenario.ts';
import { parseShardPlan, scenarioStarts, SCENARIO_GAP_MS } from './shard-plan.ts';

const ok = { 'start-at': '2026-12-02T03:00:00Z', out: '/tmp/p' };

describe('parseShardPlan', () => {
  it('reads i/N, the shared instant and the partials directory; the index may come from JOB_COMPLETION_INDEX', () => {
    expect(parseShardPlan({ shard: '2/3', ...ok })).toEqual({ index: 2, count: 3, startAtMs: Date.parse('2026-12-02T03:00:00Z'), outDir: '/tmp/p' });
    process.env.SHARD_TEST_INDEX = '1';
    expect(parseShardPlan({ shard: '$(SHARD_TEST_INDEX)/3', ...ok })!.index).toBe(1);
    delete process.env.SHARD_TEST_INDEX;
    expect(parseShardPlan({})).toBeUndefined();
  });

  it('bad input: one line naming the flag, the value and what is allowed', () => {
    expect(() => parseShardPlan({ shard: '3/3', ...ok })).toThrow('--shard "3/3" is not allowed; use <index>/<count> with 0 <= index < count <= 1000');
    expect(() => parseShardPlan({ shard: '1', ...ok })).toThrow('--shard "1" is not allowed');
    expect(() => parseShardPlan({ shard: '$(SHARD_TEST_UNSET)/3', ...ok })).toThrow('environment variable SHARD_TEST_UNSET is not set');
    expect(() => parseShardPlan({ shard: '0/3', out: '/tmp/p' })).toThrow('--shard needs --start-at');
    expect(() => parseShardPlan({ shard: '0/3', 'start-at': '03:00', out: '/tmp/p' })).toThrow('--start-at "03:00" is not an ISO time with a zone');
    expect(() => parseShardPlan({ shard: '0/3', 'start-at': ok['start-at'] })).toThrow('--shard needs --out');
    expect(() => parseShardPlan({ out: '/tmp/p' })).toThrow('--out applies to a sharded benchmark; add --shard');
  });

  it('each scenario starts one slot after the previous: its duration plus the gap', () => {
    const a = parseScenario({ name: 'a', kind: 'throughput', durationMs: 2000 }, 'f');
    const b = parseScenario({ name: 'b', kind: 'throughput', durationMs: 3000 }, 'f');
    const plan = parseShardPlan({ shard: '0/2', ...ok })!;
    expect(scenarioStarts(plan, [a, b])).toEqual([plan.startAtMs, plan.startAtMs + 2000 + SCENARIO_GAP_MS]);
  });
});
