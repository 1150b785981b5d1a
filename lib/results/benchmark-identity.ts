// Identity of a benchmark row across targets and runs: the scenario plus the parameters that
// distinguish runs of the same scenario. Charts group by it and the version diff pairs by it.
import type { BenchmarkResult } from './types.ts';

export function benchmarkKey(b: BenchmarkResult): string {
  return [b.scenario, b.protocol, b.qos ?? '', b.payloadBytes ?? '', b.transport ?? ''].join('|');
}
