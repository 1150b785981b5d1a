import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ResultsDocument, TestResult } from '../../results/types.ts';
import { ROOT } from '../../core/paths.ts';
import { renderReportHtml } from './render-report.tsx';

const fixture = () => JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/results-full.json'), 'utf8')) as ResultsDocument;

/** A run the size of every suite over two targets and both protocols, with one failure in ten. */
function largeDoc(perColumn: number): ResultsDocument {
  const doc = fixture();
  const log = Array.from({ length: 25 }, (_, i) => `17322290${i}: Client mqttjs_${i}abcdef disconnected, socket error: connection reset by peer`).join('\n');
  const tests: TestResult[] = [];
  for (const target of ['aedes', 'mosquitto']) {
    for (const protocol of ['3.1.1', '5'] as const) {
      for (let i = 0; i < perColumn; i++) {
        const title = `[MQTT-3.${i % 14}.${i % 5}-${i % 30}] conformance statement ${i} checked with a realistic, fairly long name`;
        const status = i % 10 === 0 ? 'failed' : i % 7 === 0 ? 'not-applicable' : 'passed';
        tests.push({
          key: `area-${i % 20}.t${i}`, id: `conformance/area-${i % 20} › ${title}`, title, suite: 'conformance', spec: [`MQTT-3.${i % 14}.${i % 5}-${i % 30}`], protocol, target, status, durationMs: 30,
          ...(status === 'failed' ? { detail: { reason: 'timed out waiting for PUBACK', expected: 'PUBACK id 7', actual: 'nothing within 5000 ms', brokerLog: `${target}\n${log}` } } : {}),
          ...(status === 'not-applicable' ? { detail: { reason: 'needs shared subscriptions' } } : {}),
        });
      }
    }
  }
  return { ...doc, tests };
}

describe('renderReportHtml', () => {
  test('is deterministic', async () => {
    expect(await renderReportHtml(fixture())).toBe(await renderReportHtml(fixture()));
  });

  test('omits sections without data', async () => {
    const doc = fixture();
    delete doc.benchmarks;
    delete doc.findings;
    delete doc.coverage;
    const html = await renderReportHtml({ ...doc, tests: doc.tests.map(({ detail, ...t }) => t) });
    for (const id of ['benchmarks', 'findings', 'deviations']) expect(html).not.toContain(`id="${id}"`);
    expect(html).not.toContain('Statement coverage');
    expect(html).not.toContain('<svg');
    expect(html).toContain('id="matrix"');
  });

  test('renders sparse and odd documents defensively (only required fields, NaN, unknown target)', async () => {
    const doc = fixture();
    const sparse = {
      ...doc,
      targets: [{ name: 'x', driver: 'external', brokerVersion: 'unknown', listeners: {}, startError: 'x: refused' }],
      tests: [{ id: 'smoke/a › t', title: 't', suite: 'smoke', spec: [], protocol: null, target: 'ghost', status: 'error', durationMs: Number.NaN }],
      benchmarks: [
        { scenario: 's', target: 'ghost', protocol: '5', kind: 'micro', durationMs: 1, sent: 0, received: 0, msgsPerSec: Number.NaN },
        { scenario: 's2', target: 'x', protocol: '3.1.1', kind: 'latency', durationMs: 1, sent: 1, received: 1, msgsPerSec: 5, latency: { count: 1, p50Ms: 1, p90Ms: 1, p99Ms: 1, p999Ms: 1, maxMs: 1, meanMs: 1, curve: [] }, broker: { samples: [], cpuPercentMean: 1, rssBytesMax: 1 } },
      ],
      findings: [{ target: 'x', severity: 'info', title: 'f', detail: 'd', tests: [] }],
      coverage: [{ target: 'x', protocol: '5', observable: 0, exercised: 0, percent: 0, exercisedIds: [], notExercised: [] }],
    } as unknown as ResultsDocument;
    const html = await renderReportHtml(sparse);
    expect(html).toContain('x: refused');
    expect(html).toContain('data-status="error"');
    expect(html).toContain('Latency by percentile: s2'); // the summary percentiles stand in for a missing curve
  });

  test('a run with thousands of results stays under 2 MB, each broker log written once', async () => {
    const doc = largeDoc(1100);
    const html = await renderReportHtml(doc);
    expect(doc.tests).toHaveLength(4400);
    expect(Buffer.byteLength(html)).toBeLessThan(2 * 1024 * 1024);
    expect(html.match(/<pre id="log-/g)).toHaveLength(2);
    expect(html.match(/<button class="cell /g)).toHaveLength(4400);
  });
});
