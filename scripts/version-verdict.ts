// The release gate's second step (scripts/release-gate.sh): reads results.json of a run over two
// versions of one broker and exits 1 when the new version regresses a test that passed on the old.
//   npx tsx scripts/version-verdict.ts <results.json> <broker>@<old> <broker>@<new>
// Exit codes: 0 no regression, 1 regressions, 2 bad input or a version that did not start.
import fs from 'node:fs';
import { validateResults } from '../lib/results/validate-results.ts';
import type { ResultsDocument } from '../lib/results/types.ts';
import { renderVersionVerdict, versionVerdict } from '../lib/results/version-regressions.ts';
import { EXIT } from '../lib/core/errors.ts';

function main(argv: string[]): number {
  if (argv.length !== 3) {
    process.stderr.write('usage: version-verdict.ts <results.json> <broker>@<old> <broker>@<new>\n');
    return EXIT.badInputOrRig;
  }
  const [file, oldLabel, newLabel] = argv as [string, string, string];
  if (!fs.existsSync(file)) {
    process.stderr.write(`error: ${file} does not exist; give the results.json of the harness run\n`);
    return EXIT.badInputOrRig;
  }
  let verdict;
  try {
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as ResultsDocument;
    const problems = validateResults(doc);
    if (problems.length) throw new Error(`not a results document: ${problems[0]}`);
    verdict = versionVerdict(doc, oldLabel, newLabel);
  } catch (e) {
    process.stderr.write(`error: ${file}: ${(e as Error).message.split('\n')[0]}\n`);
    return EXIT.badInputOrRig;
  }
  process.stdout.write(renderVersionVerdict(verdict));
  if (verdict.startErrors.length) return EXIT.badInputOrRig;
  return verdict.regressions.length ? EXIT.conformanceFailures : EXIT.ok;
}

process.exit(main(process.argv.slice(2)));
