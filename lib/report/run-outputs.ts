// The standard outputs of a run: junit.xml and index.html beside results.json, then the terminal
// summary, benchmark table and version diff on stdout. Handed to lib/run's executeRun by the CLI.
import path from 'node:path';
import type { RunOutputs } from '../run/run.ts';
import type { ResultsDocument } from '../results/types.ts';
import { writeFileAtomic } from '../results/write-results.ts';
import { renderJunit } from './junit.ts';
import { renderTerminalSummary } from './terminal-summary.ts';
import { renderBenchTable } from './bench-table.ts';
import { renderVersionDiffs } from './version-diff-table.ts';
import { versionDiffsInRun } from '../results/version-diff.ts';

const progress = (line: string) => process.stderr.write(`${line}\n`);

export const standardOutputs: RunOutputs = {
  async writeArtifacts(runDir: string, doc: ResultsDocument) {
    writeFileAtomic(path.join(runDir, 'junit.xml'), renderJunit(doc));
    // The page is derived from results.json; a rendering bug must not cost the run its results.
    // Imported here: the renderer pulls in vega, which --help and flag errors should not wait for.
    return import('./html/write-report.ts').then(({ writeReport }) => writeReport(runDir, doc)).catch((e: unknown) => {
      progress(`✖ could not render index.html (results.json is intact; retry with npm run report -- ${runDir}): ${(e as Error)?.stack ?? String(e)}`);
      return undefined;
    });
  },
  printSummary(doc: ResultsDocument, runDir: string, reportFile: string | undefined) {
    process.stdout.write(renderTerminalSummary(doc, runDir));
    if (doc.benchmarks) process.stdout.write(renderBenchTable(doc));
    // A run over two or more versions of one broker (--target mosquitto@2.0.11,mosquitto@2.0.21).
    process.stdout.write(renderVersionDiffs(versionDiffsInRun(doc)));
    if (reportFile) process.stdout.write(`Report:  ${reportFile}\n`);
  },
};
