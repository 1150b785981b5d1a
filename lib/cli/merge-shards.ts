// `npm run report -- merge <dir|partial.json>... [--out dir]`: the shards' partial results of one
// sharded bench run → one results.json and index.html (docs/benchmarks-cluster.md). The figures come
// from lib/load/shard-merge.ts (merged histograms and sequence accounting, the shared window); the
// per-shard and merged figures go to stdout as the usual benchmark table, one column per shard.
import path from 'node:path';
import { EXIT, UsageError } from '../core/errors.ts';
import { RESULTS_SCHEMA_VERSION, type ResultsDocument } from '../results/types.ts';
import { writeFileAtomic } from '../results/write-results.ts';
import { mergeProblem, mergeShards } from '../load/shard-merge.ts';
import { readPartials } from '../load/shard-partial.ts';
import { assertWritableReportDir } from '../run/report-dir.ts';
import { harnessVersion, newRunId } from '../run/run.ts';
import { renderBenchTable } from '../report/bench-table.ts';

export async function mergeCommand(inputs: readonly string[], out: string | undefined, argv: readonly string[]): Promise<number> {
  if (!inputs.length) throw new UsageError('merge needs the partial results: npm run report -- merge <dir|partial.json>... [--out <dir>]');
  const read = readPartials(inputs);
  const partials = read.map((r) => r.partial);
  const problem = mergeProblem(partials);
  if (problem) throw new UsageError(`merge: ${problem} (read ${read.map((r) => path.basename(r.file)).join(', ')})`);
  const outDir = path.resolve(out ?? path.join(path.dirname(read[0]!.file), 'merged'));
  assertWritableReportDir(outDir, '--out');
  const startedAt = new Date();
  const benchmarks = mergeShards(partials);
  const byIndex = [...partials].sort((a, b) => a.shard.index - b.shard.index);
  const first = byIndex[0]!;
  const exitCode = benchmarks.some((b) => b.error) ? EXIT.badInputOrRig : EXIT.ok;
  const doc: ResultsDocument = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    run: {
      id: newRunId(startedAt),
      startedAt: first.startAt,
      finishedAt: startedAt.toISOString(),
      harnessVersion: harnessVersion(),
      command: [...argv],
      exitCode,
      machine: first.machine,
    },
    targets: [first.target],
    tests: [],
    benchmarks,
  };
  // Rendered before anything is written, so a failure leaves no results.json without its page.
  const { renderReportHtml } = await import('../report/html/render-report.tsx');
  const html = await renderReportHtml(doc);
  writeFileAtomic(path.join(outDir, 'results.json'), JSON.stringify(doc, null, 2) + '\n');
  const page = path.join(outDir, 'index.html');
  writeFileAtomic(page, html);
  // Per-shard figures (each shard's own aggregate) beside the merged ones: one column each.
  const name = first.target.name;
  const table: ResultsDocument = {
    ...doc,
    benchmarks: [
      ...byIndex.flatMap((p) => p.scenarios.map((s) => ({ ...s.result, target: `shard ${p.shard.index} (${p.host})` }))),
      ...benchmarks.map((b) => ({ ...b, target: `merged ${name}` })),
    ],
  };
  process.stdout.write(`Merged ${partials.length} shard${partials.length > 1 ? 's' : ''} of ${name} (start ${first.startAt}):\n`);
  process.stdout.write(renderBenchTable(table));
  process.stdout.write(`Results: ${path.join(outDir, 'results.json')}\nReport:  ${page}\n`);
  return exitCode;
}
