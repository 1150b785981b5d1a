// JUnit XML: one testcase per test and target, statement ids as properties. A pure function of the
// results document. A testcase is named by the test's key (and protocol), so CI test history
// follows the test across title rewordings; the title travels as a property.
import type { ResultsDocument, TestResult } from '../results/types.ts';

function esc(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!)
    // XML 1.0 forbids most control characters, which broker output can contain.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function testcase(t: TestResult): string {
  const name = `${t.key}${t.protocol ? ` [mqtt ${t.protocol}]` : ''}`;
  const props = [
    `<property name="key" value="${esc(t.key)}"/>`,
    `<property name="title" value="${esc(t.title)}"/>`,
    ...t.spec.map((s) => `<property name="spec" value="${esc(s)}"/>`),
    `<property name="status" value="${t.status}"/>`,
    ...(t.protocol ? [`<property name="protocol" value="${t.protocol}"/>`] : []),
  ];
  const reason = t.detail?.reason ?? '';
  const extra = [t.detail?.expected && `expected: ${t.detail.expected}`, t.detail?.actual && `actual: ${t.detail.actual}`,
    t.detail?.behaviour && `behaviour: ${t.detail.behaviour}`, t.detail?.brokerLog && `broker log:\n${t.detail.brokerLog}`]
    .filter(Boolean).join('\n');
  let body = `<properties>${props.join('')}</properties>`;
  if (t.status === 'failed') body += `<failure message="${esc(reason)}">${esc(extra)}</failure>`;
  if (t.status === 'error') body += `<error message="${esc(reason)}">${esc(extra)}</error>`;
  if (t.status === 'skipped' || t.status === 'not-applicable') body += `<skipped message="${esc(`${t.status}: ${reason}`)}"/>`;
  if (t.status === 'expected-failure') body += `<system-out>${esc(`expected failure (${t.detail?.expectation?.reason ?? ''}): ${reason}`)}</system-out>`;
  return `    <testcase classname="${esc(`${t.target}.${t.suite}`)}" name="${esc(name)}" time="${(t.durationMs / 1000).toFixed(3)}">${body}</testcase>`;
}

export function renderJunit(doc: ResultsDocument): string {
  const groups = new Map<string, TestResult[]>();
  for (const t of doc.tests) {
    const key = `${t.target} ${t.suite}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  const suites = [...groups.entries()].map(([key, tests]) => {
    const count = (s: string) => tests.filter((t) => t.status === s).length;
    const time = tests.reduce((a, t) => a + t.durationMs, 0) / 1000;
    return `  <testsuite name="${esc(key)}" tests="${tests.length}" failures="${count('failed')}" errors="${count('error')}" ` +
      `skipped="${count('skipped') + count('not-applicable')}" time="${time.toFixed(3)}">\n${tests.map(testcase).join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="mqtt-broker-harness ${esc(doc.run.id)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
