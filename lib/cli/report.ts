// `npm run report -- <run-dir>` regenerates a run's index.html from its results.json;
// `npm run report -- --compare <old> <new> [--out dir|file.html]` prints the version diff of run new
// against run old (the reference), and writes it as a page and as JSON. Either run may be a schema 1
// document (before test keys). Exit codes: 0; 1 when a test regressed or a finding that counts
// against the broker is new (a release gate); bad input: one line, exit 2.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT, HarnessError, UsageError } from '../core/errors.ts';
import { writeFileAtomic } from '../results/write-results.ts';
import { loadRun } from '../report/html/load-results.ts';
import { upgradePair, upgradeResults } from '../results/upgrade-results.ts';
import { gateFailures, versionDiffsBetweenRuns } from '../results/version-diff.ts';
import { renderVersionDiffs } from '../report/version-diff-table.ts';
import { mergeCommand } from './merge-shards.ts';

const USAGE = `usage:
  npm run report -- <run-dir>                         regenerate <run-dir>/index.html from results.json
  npm run report -- --compare <old> <new> [--out d]   the version diff of run <new> against run <old>:
                                                       printed, and written as compare-<old run id>.html
                                                       and .json into <new> (or the directory --out;
                                                       --out x.html: that page, x.json beside it)
  npm run report -- merge <dir|partial>... [--out d]   merge the partial results of a sharded bench run
                                                       (--shard i/N) into d/results.json and d/index.html
                                                       (default d: <first partial's dir>/merged)
A run is reports/<run-id>, reports/latest or the path of a results.json.
Exit codes: 0 no regression; 1 a test regressed or a finding is new (--compare); 2 bad input.
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
    if (positionals.length !== 2) throw new UsageError(`--compare needs exactly two runs (the old one first), got ${positionals.length}; e.g. npm run report -- --compare reports/<old-run>/results.json reports/latest/results.json`);
    const [a, b] = positionals.map(loadRun) as [ReturnType<typeof loadRun>, ReturnType<typeof loadRun>];
    for (const w of [...a.warnings, ...b.warnings]) process.stderr.write(`warning: ${w}\n`);
    const { html: out, json } = compareOutputs(values.out, b.runDir, `compare-${safeName(a.doc.run.id)}`);
    const [oldDoc, newDoc] = upgradePair(a.doc, b.doc);
    const { diffs, unpaired } = versionDiffsBetweenRuns(oldDoc, newDoc);
    const gate = gateFailures(diffs);
    const exitCode = gate.regressed || gate.newFindings ? EXIT.conformanceFailures : EXIT.ok;
    // Rendering pulls in vega; loaded only once the input is known to be good, so mistakes answer fast.
    const { renderComparisonHtml } = await import('../report/html/render-comparison.tsx');
    const page = await renderComparisonHtml(a.doc, b.doc);
    writeFileAtomic(json, `${JSON.stringify({ kind: 'version-diff', version: 1, old: { runId: oldDoc.run.id, file: a.file }, new: { runId: newDoc.run.id, file: b.file }, gate: { ...gate, exitCode }, diffs, unpaired }, null, 2)}\n`);
    writeFileAtomic(out, page);
    process.stdout.write(renderVersionDiffs(diffs, unpaired));
    process.stdout.write(`\nGate: ${exitCode ? `✗ ${gate.regressed} regressed, ${gate.newFindings} new finding${gate.newFindings === 1 ? '' : 's'}` : '✓ no test regressed, no new finding'} (exit ${exitCode})\n`);
    process.stdout.write(`Comparison (${a.doc.run.id} → ${b.doc.run.id}): ${out}\nDiff JSON: ${json}\n`);
    return exitCode;
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

/**
 * Where --compare writes: by default into the new run's directory; `--out <dir>` (made if missing)
 * names the directory; `--out <file>.html` the page itself, with the JSON beside it.
 */
function compareOutputs(outFlag: string | undefined, newRunDir: string, base: string): { html: string; json: string } {
  if (outFlag === undefined) return { html: path.join(newRunDir, `${base}.html`), json: path.join(newRunDir, `${base}.json`) };
  const out = path.resolve(outFlag);
  if (out.endsWith('.html')) {
    if (!fs.existsSync(path.dirname(out))) throw new UsageError(`--out ${outFlag}: directory ${path.dirname(out)} does not exist; create it or give a directory to --out`);
    return { html: out, json: out.replace(/\.html$/, '.json') };
  }
  if (fs.existsSync(out) && !fs.statSync(out).isDirectory()) throw new UsageError(`--out ${outFlag} is a file; give a directory (or a path ending in .html)`);
  fs.mkdirSync(out, { recursive: true });
  return { html: path.join(out, `${base}.html`), json: path.join(out, `${base}.json`) };
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
