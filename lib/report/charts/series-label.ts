// How a benchmark row is named in charts and tables: scenario plus the parameters that distinguish
// runs of the same scenario (protocol, QoS, payload, transport).
import type { BenchmarkResult } from '../../results/types.ts';

export function variantLabel(b: BenchmarkResult): string {
  const parts = [`mqtt ${b.protocol}`];
  if (b.qos !== undefined) parts.push(`QoS ${b.qos}`);
  if (b.payloadBytes !== undefined) parts.push(`${b.payloadBytes} B`);
  if (b.transport) parts.push(b.transport);
  return parts.join(', ');
}

export function scenarioLabel(b: BenchmarkResult): string {
  return `${b.scenario} (${variantLabel(b)})`;
}

export { benchmarkKey } from '../../results/benchmark-identity.ts';

/** Two-line axis label (scenario, then variant): charts split it with MULTILINE_LABEL. */
export function twoLineLabel(first: string, second: string): string {
  return `${first.replace(/\|/g, '/')}|${second.replace(/\|/g, '/')}`;
}

export const MULTILINE_LABEL = "split(datum.label, '|')";
