// The report's sections, in page order: the navigation and the body are both built from this list,
// so a section's id, its nav title and the test "does this run have anything for it" live in one
// entry. Adding a report section = one entry here.
import type { VNode } from 'preact';
import type { ResultsDocument } from '../../results/types.ts';
import type { ReportCharts } from '../charts/report-charts.ts';
import { BenchmarksSection } from './benchmarks-section.tsx';
import { ComparisonSection, hasComparison } from './comparison-section.tsx';
import { DeviationsSection, appliedDeviations } from './deviations-section.tsx';
import { FindingsSection } from './findings-section.tsx';
import { FuzzSection, fuzzResults } from './fuzz-section.tsx';
import { MatrixSection } from './matrix-section.tsx';
import { SummarySection } from './summary-section.tsx';
import { ToleratedSection, toleratedResults } from './tolerated-section.tsx';
import { VersionDiffSection, hasVersionDiff } from './version-diff-section.tsx';

export interface SectionInput {
  doc: ResultsDocument;
  charts: ReportCharts;
  /** Drop the detail views of passing/n-a/skipped results (a very large run). */
  compact: boolean;
}

export interface ReportSection {
  /** The `<section id>` the renderer writes and the nav links to. */
  id: string;
  navTitle: string;
  /** False: the section is left out of both the nav and the page. */
  hasContent(doc: ResultsDocument): boolean;
  render(input: SectionInput): VNode | null;
}

export const REPORT_SECTIONS: readonly ReportSection[] = [
  { id: 'summary', navTitle: 'Summary', hasContent: () => true, render: ({ doc }) => <SummarySection doc={doc} /> },
  { id: 'version-diff', navTitle: 'Version diff', hasContent: hasVersionDiff, render: ({ doc }) => <VersionDiffSection doc={doc} /> },
  { id: 'matrix', navTitle: 'Matrix', hasContent: (doc) => doc.tests.length > 0, render: ({ doc, compact }) => <MatrixSection doc={doc} compact={compact} /> },
  { id: 'findings', navTitle: 'Findings', hasContent: (doc) => Boolean(doc.findings?.length), render: ({ doc }) => <FindingsSection doc={doc} /> },
  { id: 'fuzz', navTitle: 'Fuzz', hasContent: (doc) => fuzzResults(doc).length > 0, render: ({ doc }) => <FuzzSection doc={doc} /> },
  { id: 'benchmarks', navTitle: 'Benchmarks', hasContent: (doc) => Boolean(doc.benchmarks?.length), render: ({ doc, charts }) => <BenchmarksSection doc={doc} charts={charts} /> },
  { id: 'comparison', navTitle: 'Comparison', hasContent: hasComparison, render: ({ doc }) => <ComparisonSection doc={doc} /> },
  { id: 'deviations', navTitle: 'Known deviations', hasContent: (doc) => appliedDeviations(doc).length > 0, render: ({ doc }) => <DeviationsSection doc={doc} /> },
  { id: 'tolerated', navTitle: 'Tolerated', hasContent: (doc) => toleratedResults(doc).length > 0, render: ({ doc }) => <ToleratedSection doc={doc} /> },
];

/** The sections this document has content for, in page order. */
export function sectionsFor(doc: ResultsDocument): ReportSection[] {
  return REPORT_SECTIONS.filter((s) => s.hasContent(doc));
}
