// Small hand-made results documents for the version diff's tests: one target per version, tests by
// key and status, optional findings and benchmarks. Everything not given takes a plain default.
import type { BenchmarkResult, Finding, ResultsDocument, TargetRecord, TestResult, TestStatus } from '../../lib/results/types.ts';
import { RESULTS_SCHEMA_VERSION } from '../../lib/results/types.ts';

export interface VersionSpec {
  name: string;
  version?: string;
  /** key (protocol 3.1.1) → status, or [key, status, protocol, spec ids]. */
  tests: (readonly [string, TestStatus] | readonly [string, TestStatus, TestResult['protocol'], string[]])[];
  findings?: Omit<Finding, 'target'>[];
  /** Their `target` is replaced by the version's label. */
  benchmarks?: BenchmarkResult[];
}

export function target(v: VersionSpec): TargetRecord {
  const label = v.version ? `${v.name}@${v.version}` : undefined;
  return { name: v.name, ...(v.version ? { version: v.version, label } : {}), driver: 'embedded', brokerVersion: v.version ?? '1.0.0', listeners: { plain: 'mqtt://127.0.0.1:1883' } };
}

export function resultsDoc(runId: string, versions: VersionSpec[]): ResultsDocument {
  const tests: TestResult[] = [];
  const findings: Finding[] = [];
  const benchmarks: BenchmarkResult[] = [];
  for (const v of versions) {
    const t = v.version ? `${v.name}@${v.version}` : v.name;
    for (const [key, status, protocol = '3.1.1', spec = []] of v.tests) {
      tests.push({ key, id: `conformance/x › ${key}`, title: `title of ${key}`, suite: 'conformance', spec, protocol, target: t, status, durationMs: 5, ...(status === 'failed' ? { detail: { reason: `${key} failed on ${t}`, failureKind: 'assertion' as const } } : {}) });
    }
    findings.push(...(v.findings ?? []).map((f) => ({ ...f, target: t })));
    benchmarks.push(...(v.benchmarks ?? []).map((b) => ({ ...b, target: t })));
  }
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    run: { id: runId, startedAt: '2026-12-01T10:00:00.000Z', finishedAt: '2026-12-01T10:01:00.000Z', harnessVersion: '0.1.0', command: ['--suite', 'conformance'], exitCode: 0, machine: { cpus: 2, cpuModel: 'test', memoryBytes: 1 << 30, os: 'linux', node: 'v20' } },
    targets: versions.map(target),
    tests,
    findings,
    benchmarks,
  };
}

/** A closed-loop throughput result with a steady broker (CPU samples given as a list). */
export function throughput(scenario: string, msgsPerSec: number, p99Ms: number, cpuSamples: number[]): BenchmarkResult {
  const samples = cpuSamples.map((cpuPercent, i) => ({ tMs: i * 500, cpuPercent, rssBytes: 8 << 20 }));
  const cpuPercentMean = cpuSamples.reduce((p, q) => p + q, 0) / Math.max(1, cpuSamples.length);
  return { scenario, target: 'any', protocol: '3.1.1', kind: 'throughput', qos: 1, payloadBytes: 64, durationMs: 5000, sent: msgsPerSec * 5, received: msgsPerSec * 5, msgsPerSec, latency: { count: 100, p50Ms: p99Ms / 4, p90Ms: p99Ms / 2, p99Ms, p999Ms: p99Ms * 1.5, maxMs: p99Ms * 2, meanMs: p99Ms / 3 }, broker: { samples, cpuPercentMean, rssBytesMax: 8 << 20 } };
}
