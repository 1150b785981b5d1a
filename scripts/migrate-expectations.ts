// Rewrites fixtures/expectations/*.json from title ids (and `*` prefixes) to test keys, using
// results.json files whose tests carry both (schema 2). Run once, when the suites declare keys:
//   npx tsx scripts/migrate-expectations.ts [--dir fixtures/expectations] [--dry-run] <results.json> ...
// Give results that ran every suite under every protocol (e.g. mosquitto + aedes): an entry is
// mapped through the ids of any target's tests, since a test's key does not depend on the target.
// Prints each entry it could not map (it is left out of the file: add it by hand) and exits 1 then.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../lib/core/paths.ts';
import { migrateExpectations, type IdKeyPair, type MixedExpectationsFile } from '../lib/results/expectations-migration.ts';
import { writeFileAtomic } from '../lib/results/write-results.ts';

function readTests(file: string): IdKeyPair[] {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { tests?: Partial<IdKeyPair>[] };
  const tests = doc.tests ?? [];
  const bad = tests.findIndex((t) => typeof t.id !== 'string' || typeof t.key !== 'string');
  if (!tests.length || bad >= 0) throw new Error(`${file}: tests[${Math.max(bad, 0)}] carries no "id" and "key"; give a schema 2 results.json`);
  return tests as IdKeyPair[];
}

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { dir: { type: 'string' }, 'dry-run': { type: 'boolean' } } });
  if (!positionals.length) {
    process.stderr.write('usage: npx tsx scripts/migrate-expectations.ts [--dir fixtures/expectations] [--dry-run] <results.json> ...\n');
    return 2;
  }
  const tests = positionals.flatMap(readTests);
  const dir = path.resolve(values.dir ?? path.join(ROOT, 'fixtures', 'expectations'));
  let unmappedCount = 0;
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const file = path.join(dir, name);
    const source = JSON.parse(fs.readFileSync(file, 'utf8')) as MixedExpectationsFile;
    const { file: migrated, unmapped } = migrateExpectations(source, tests);
    process.stdout.write(`${name}: ${source.deviations.length} entries → ${migrated.deviations.length} keyed${unmapped.length ? `, ${unmapped.length} not mapped` : ''}\n`);
    for (const e of unmapped) process.stdout.write(`  not mapped: ${e.protocol ? `[mqtt ${e.protocol}] ` : ''}${e.id}\n`);
    unmappedCount += unmapped.length;
    if (!values['dry-run']) writeFileAtomic(file, JSON.stringify(migrated, null, 2) + '\n');
  }
  return unmappedCount ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
