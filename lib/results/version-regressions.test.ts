import { describe, expect, test } from 'vitest';
import { renderVersionVerdict, versionVerdict } from './version-regressions.ts';
import type { ResultsDocument, TestResult } from './types.ts';

const t = (target: string, key: string, status: TestResult['status'], protocol: TestResult['protocol'] = '3.1.1'): TestResult =>
  ({ key, id: `conformance/f › ${key}`, title: key, suite: 'conformance', spec: [], protocol, target, status, durationMs: 1, ...(status === 'failed' ? { detail: { reason: `${key} broke` } } : {}) });

const doc = (tests: TestResult[], startError?: string): ResultsDocument => ({
  schemaVersion: 3,
  run: { id: 'r', startedAt: '', finishedAt: '', harnessVersion: '0', command: [], exitCode: 1, machine: { cpus: 1, cpuModel: '', memoryBytes: 1, os: '', node: '' } },
  targets: [
    { name: 'mosquitto', version: '2.0.11', label: 'mosquitto@2.0.11', driver: 'local', brokerVersion: '2.0.11', listeners: {} },
    { name: 'mosquitto', version: '2.0.21', label: 'mosquitto@2.0.21', driver: 'container', brokerVersion: '2.0.21', listeners: {}, ...(startError ? { startError } : {}) },
  ],
  tests,
} as ResultsDocument);

describe('versionVerdict', () => {
  const O = 'mosquitto@2.0.11';
  const N = 'mosquitto@2.0.21';
  test('passed → failed, error or expected-failure is a regression; per key and protocol', () => {
    const v = versionVerdict(doc([
      t(O, 'a', 'passed'), t(N, 'a', 'failed'),
      t(O, 'b', 'passed'), t(N, 'b', 'error'),
      t(O, 'c', 'passed'), t(N, 'c', 'expected-failure'),
      t(O, 'd', 'passed'), t(N, 'd', 'passed'),
      t(O, 'a', 'passed', '5'), t(N, 'a', 'passed', '5'),
    ]), O, N);
    expect(v.regressions.map((c) => `${c.key} ${c.protocol} ${c.after}`)).toEqual(['a 3.1.1 failed', 'b 3.1.1 error', 'c 3.1.1 expected-failure']);
    expect(v.regressions[0]!.reason).toBe('a broke');
    expect(renderVersionVerdict(v)).toMatch(/^release gate mosquitto@2\.0\.11 → mosquitto@2\.0\.21: 3 regression\(s\), 0 fixed/);
  });

  test('a failure on both versions is no regression; a fix and a test no longer exercised are shown apart', () => {
    const v = versionVerdict(doc([
      t(O, 'a', 'failed'), t(N, 'a', 'failed'),
      t(O, 'b', 'expected-failure'), t(N, 'b', 'passed'),
      t(O, 'c', 'passed'), t(N, 'c', 'not-applicable'),
      t(O, 'd', 'passed'),
    ]), O, N);
    expect(v.regressions).toEqual([]);
    expect(v.fixed.map((c) => c.key)).toEqual(['b']);
    expect(v.notExercised.map((c) => `${c.key} ${c.after ?? 'absent'}`)).toEqual(['c not-applicable', 'd absent']);
  });

  test('a version that did not start is named; a label the run lacks is an error', () => {
    expect(versionVerdict(doc([t(O, 'a', 'passed')], 'image missing'), O, N).startErrors).toEqual(['mosquitto@2.0.21: image missing']);
    expect(() => versionVerdict(doc([]), O, 'mosquitto@9')).toThrow(/no target "mosquitto@9"; they have: mosquitto@2\.0\.11, mosquitto@2\.0\.21/);
  });
});
