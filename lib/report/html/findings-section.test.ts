// The findings section lists the findings that count against a target, and the rig's apart.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { ROOT } from '../../core/paths.ts';
import type { ResultsDocument } from '../../results/types.ts';
import { renderReportHtml } from './render-report.tsx';

test('rig findings are shown in their own table, labelled, after the counted ones', async () => {
  const doc = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/results-full.json'), 'utf8')) as ResultsDocument;
  doc.findings = [
    { target: 'mosquitto', severity: 'high', title: 'credentials sent in clear', detail: 'd', tests: ['tls.wire-confidentiality.password-in-clear'], attribution: 'rig', attributionReason: 'the harness configured the auth listener without TLS on purpose' },
    { target: 'mosquitto', severity: 'high', title: 'client certificates not enforced', detail: 'd', tests: ['tls.mutual-tls.no-certificate'], attribution: 'broker' },
  ];
  const html = await renderReportHtml(doc);
  const section = html.slice(html.indexOf('<section id="findings">'), html.indexOf('</section>', html.indexOf('<section id="findings">')));
  const [counted, rig] = section.split('Rig findings — not counted');
  expect(counted).toContain('client certificates not enforced');
  expect(counted).not.toContain('credentials sent in clear');
  expect(rig).toMatch(/data-attribution="rig"[^]*credentials sent in clear[^]*the harness configured the auth listener without TLS on purpose/);
});
