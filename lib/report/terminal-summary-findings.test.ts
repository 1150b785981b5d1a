// The findings lines of the terminal summary: only the broker's and the operator's findings count;
// the rig's are listed apart (lib/results/findings.ts decides the attribution).
import { expect, test } from 'vitest';
import { deriveFindings } from '../results/findings.ts';
import type { TestResult } from '../results/types.ts';
import { renderFindings } from './terminal-summary.ts';

const result = (key: string, status: TestResult['status'], detail?: TestResult['detail']): TestResult => ({
  key, id: key, title: key, suite: 'tls', spec: [], protocol: '3.1.1', target: 'b', status, durationMs: 1, ...(detail ? { detail } : {}),
});
const clear = result('tls.wire-confidentiality.password-in-clear', 'passed', { behaviour: 'credentials sent in clear' });
const noCert = result('tls.mutual-tls.no-certificate', 'failed');

test('the terminal summary counts only broker and operator findings and lists the rig\'s apart', () => {
  const lines = renderFindings(deriveFindings([clear, noCert], [{ name: 'b', driver: 'local' }]));
  expect(lines).toContain('Security findings (1 high):');
  expect(lines.join('\n')).toMatch(/Rig findings .*not counted[^]*b {2}credentials sent in clear: the harness configured/);
  expect(renderFindings(deriveFindings([clear], [{ name: 'b', driver: 'local' }])).join('\n')).not.toMatch(/Security findings/);
});
