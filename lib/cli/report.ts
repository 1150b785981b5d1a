// `npm run report -- <run-dir>` regenerates a run's index.html from its results.json;
// `npm run report -- --compare <runA> <runB> [--out file.html]` writes a page comparing run B with
// run A (the reference). Either run may be a schema 1 document (before test keys). Bad input: one
// line, exit 2.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT, HarnessError, UsageError } from '../core/errors.ts';
import { writeFileAtomic } from '../results/write-results.ts';
import { loadRun } from '../report/html/load-results.ts';
import { upgradeResults } from '../results/upgrade-results.ts';
import { mergeCommand } from './merge-shards.ts';

const USAGE = `usage:
  npm run report -- <run-dir>                         regenerate <run-dir>/index.html from results.json
  npm run report -- --compare <runA> <runB> [--out f]  compare run B against run A (the reference);
                                                       writes <runB>/compare-<runA id>.html unless --out is given
  npm run report -- merge <dir|partial>... [--out d]   merge the partial results of a sharded bench run
                                                       (--shard i/N) into d/results.json and d/index.html
                                                       (default d: <first partial's dir>/merged)
A run directory is reports/<run-id> or reports/latest (or the path of its results.json).
`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { compare: { type: 'boolean' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]!.replace(/\. To specify.*$/, '')}; see npm run report -- --help`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (positionals[0] === 'merge') {
    if (values.compare) throw new UsageError('merge and --compare are separate commands; give one');
    return mergeCommand(positionals.slice(1), values.out, argv);
  }
  if (values.compare) {
    if (positionals.length !== 2) throw new UsageError(`--compare needs exactly two run directories (reference first), got ${positionals.length}; e.g. npm run report -- --compare reports/<old-run> reports/latest`);
    const [a, b] = positionals.map(loadRun) as [ReturnType<typeof loadRun>, ReturnType<typeof loadRun>];
    for (const w of [...a.warnings, ...b.warnings]) process.stderr.write(`warning: ${w}\n`);
    const out = path.resolve(values.out ?? path.join(b.runDir, `compare-${safeName(a.doc.run.id)}.html`));
    if (!fs.existsSync(path.dirname(out))) throw new UsageError(`--out ${values.out}: directory ${path.dirname(out)} does not exist`);
    // Rendering pulls in vega; loaded only once the input is known to be good, so mistakes answer fast.
    const { renderComparisonHtml } = await import('../report/html/render-comparison.tsx');
    writeFileAtomic(out, await renderComparisonHtml(a.doc, b.doc));
    process.stdout.write(`Comparison (${a.doc.run.id} → ${b.doc.run.id}): ${out}\n`);
    return EXIT.ok;
  }
  if (values.out) throw new UsageError('--out applies to --compare only; a run\'s page is always <run-dir>/index.html');
  if (positionals.length !== 1) throw new UsageError(`give one run directory, got ${positionals.length}; e.g. npm run report -- reports/latest (see --help)`);
  const run = loadRun(positionals[0]!);
  for (const w of run.warnings) process.stderr.write(`warning: ${w}\n`);
  const { writeReport } = await import('../report/html/write-report.ts');
  const file = await writeReport(run.runDir, upgradeResults(run.doc));
  process.stdout.write(`Report: ${file}\n`);
  return EXIT.ok;
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_');
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof HarnessError) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exit(e.exitCode);
    }
    process.stderr.write(`internal error (a harness bug, please report it):\n${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(EXIT.badInputOrRig);
  },
);
