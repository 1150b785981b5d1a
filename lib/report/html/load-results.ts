// Reads a run's results.json for the report command. A document the schema rejects is still rendered
// (with a warning) as long as it has the shape the page needs; the page renders every optional
// field defensively, so a newer or partial document still yields a useful page. A version 1
// document (tests without keys) is read as the current version with key = id (upgrade-results.ts).
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../core/errors.ts';
import { upgradeResults, type AnyResultsDocument } from '../../results/upgrade-results.ts';
import { Ajv } from 'ajv';
import { ROOT } from '../../core/paths.ts';

export interface LoadedRun {
  runDir: string;
  file: string;
  /** As read: a v1 document stays v1, so a comparison can lend it the other run's keys (upgradePair). */
  doc: AnyResultsDocument;
  warnings: string[];
}

/** `dirOrFile` is a run directory (reports/<run-id>, reports/latest) or its results.json. */
export function loadRun(dirOrFile: string): LoadedRun {
  const abs = path.resolve(dirOrFile);
  if (!fs.existsSync(abs)) throw new UsageError(`run directory ${abs} does not exist; give a run directory such as reports/latest or reports/<run-id>`);
  const file = fs.existsSync(abs) && fs.statSync(abs).isDirectory() ? path.join(abs, 'results.json') : abs;
  if (!fs.existsSync(file)) {
    throw new UsageError(`no results.json at ${file}; give a run directory such as reports/latest or reports/<run-id>`);
  }
  let raw: AnyResultsDocument;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8')) as AnyResultsDocument;
  } catch (e) {
    throw new UsageError(`${file} is not valid JSON (${(e as Error).message}); re-run the harness to regenerate it`);
  }
  if (!raw || typeof raw !== 'object' || !raw.run || !Array.isArray(raw.targets) || !Array.isArray(raw.tests)) {
    throw new UsageError(`${file} is not a harness results document (needs "run", "targets" and "tests"); give the results.json of a harness run, e.g. reports/latest/results.json`);
  }
  // Checked as the current version: a v1 document is supported input, not a schema problem.
  const problems = schemaProblems(upgradeResults(raw));
  const warnings = problems.length ? [`${file} does not match fixtures/schema/results.schema.json (${problems.slice(0, 3).join('; ')}${problems.length > 3 ? `; … ${problems.length - 3} more` : ''}); rendering it anyway`] : [];
  return { runDir: path.dirname(file), file, doc: raw, warnings };
}

/** Like lib/results/validate-results.ts, without ajv's console noise about unknown formats. */
function schemaProblems(doc: unknown): string[] {
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'fixtures/schema/results.schema.json'), 'utf8'));
  const validate = new Ajv({ allErrors: true, strict: false, logger: false, validateFormats: false }).compile(schema);
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}
