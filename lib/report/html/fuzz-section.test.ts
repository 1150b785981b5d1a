import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import type { ResultsDocument, TestResult } from '../../results/types.ts';
import { ROOT } from '../../core/paths.ts';
import { validateResults } from '../../results/validate-results.ts';
import { upgradeResults } from '../../results/upgrade-results.ts';
import { renderReportHtml } from './render-report.tsx';

const fixture = () => upgradeResults(JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/results-full.json'), 'utf8')));

const fuzzTest: TestResult = {
  key: 'fuzz.sessions-5', id: 'fuzz/session-fuzz.test.ts › fuzz', title: 'fuzzed MQTT 5 sessions', suite: 'fuzz', spec: ['MQTT-4.13.1-1'], protocol: '5', target: 'aedes', status: 'failed', durationMs: 20_000,
  detail: {
    reason: '1 finding(s)',
    fuzz: {
      seed: 7, protocols: ['5'], iterations: 41_000, sessions: 6000, elapsedMs: 20_000, iterationsPerSec: 2050, concurrency: 32, responseKinds: 900, canaryChecks: 30, stoppedBy: 'budget', loadAverage: 3.2,
      rssKb: { first: 40_960, last: 51_200, max: 52_224 },
      findings: [{ kind: 'forbidden-response', statement: 'MQTT-1.5.4-1', problem: 'CONNACK 0 accepted a CONNECT that must be closed', iteration: 120, foundAfterMs: 900, minimizeMs: 10, minimized: true, minimizerTests: 1, reproducerBytes: 18, reproducerHex: '10 10 00 04' }],
      reproducerFiles: ['/tmp/run/fuzz/fuzz-aedes-seed7-v5.json'],
    },
  },
};

test('the fuzz section shows each fuzz run with its rate and load average, and its findings with reproducers', async () => {
  const doc = { ...fixture(), tests: [...fixture().tests, fuzzTest] };
  // The record is valid in the results schema (checked on the fuzz test alone: the fixture is an older version).
  expect(validateResults(doc).filter((e) => e.includes(`/tests/${doc.tests.length - 1}/`))).toEqual([]);
  const html = await renderReportHtml(doc);
  const section = /<section id="fuzz">(.*?)<\/section>/s.exec(html)?.[1] ?? '';
  for (const shown of ['41000', '2050', '3.2', 'MQTT-1.5.4-1', '10 10 00 04', 'fuzz-aedes-seed7-v5.json', '40 MB → 50 MB']) expect(section).toContain(shown);
});

test('no fuzz run, no fuzz section', async () => {
  expect(await renderReportHtml(fixture())).not.toContain('<section id="fuzz">');
});

test('a differential run shows its findings with statement and deviating target, and the allowed differences with their reason', async () => {
  const doc: ResultsDocument = {
    ...fixture(), tests: [...fixture().tests, fuzzTest],
    fuzzDifferential: [{
      protocol: '3.1.1', seed: 1, targets: ['aedes', 'mosquitto'], compared: 3196, oneAnswer: 260,
      findings: [{ statement: 'MQTT-3.1.4-1', input: 377, answers: { aedes: 'accepted', mosquitto: 'closed' }, deviating: ['aedes'], problem: 'aedes did not close', reproducerHex: '101700044d51' }],
      findingCounts: [{ statement: 'MQTT-3.1.4-1', deviating: 'aedes', count: 7 }],
      informational: [{ reason: 'the CONNECT is valid: the rest of the session may be answered in more than one allowed way', count: 2242, examples: [{ input: 5, answers: { aedes: 'connack:0 open', mosquitto: 'connack:0 close' } }] }],
    }],
  };
  expect(validateResults(doc).filter((e) => e.includes('/fuzzDifferential'))).toEqual([]);
  const section = /<section id="fuzz">(.*?)<\/section>/s.exec(await renderReportHtml(doc))?.[1] ?? '';
  expect(section).toContain('data-differential-finding="MQTT-3.1.4-1"');
  for (const shown of ['aedes vs mosquitto', '3196', '7 input(s) where aedes did not close', '101700044d51', 'more than one allowed way', '2242']) expect(section).toContain(shown);
});
