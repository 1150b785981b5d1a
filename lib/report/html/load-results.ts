// Reads a run's results.json for the report command. A document the schema rejects is still rendered
// (with a warning) as long as it has the shape the page needs; the page renders every optional
// field defensively, so a newer or partial document still yields a useful page.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../core/errors.ts';
import type { ResultsDocument } from '../../results/types.ts';
import { Ajv } from 'ajv';
import { ROOT } from '../../core/paths.ts';

export interface LoadedRun {
  runDir: string;
  file: string;
  doc: ResultsDocument;
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
  let doc: ResultsDocument;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8')) as ResultsDocument;
  } catch (e) {
    throw new UsageError(`${file} is not valid JSON (${(e as Error).message}); re-run the harness to regenerate it`);
  }
  if (!doc || typeof doc !== 'object' || !doc.run || !Array.isArray(doc.targets) || !Array.isArray(doc.tests)) {
    throw new UsageError(`${file} is not a harness results document (needs "run", "targets" and "tests")`);
  }
  const problems = schemaProblems(doc);
  const warnings = problems.length ? [`${file} does not match fixtures/schema/results.schema.json (${problems.slice(0, 3).join('; ')}${problems.length > 3 ? `; … ${problems.length - 3} more` : ''}); rendering it anyway`] : [];
  return { runDir: path.dirname(file), file, doc, warnings };
}

/** Like lib/results/validate-results.ts, without ajv's console noise about unknown formats. */
function schemaProblems(doc: unknown): string[] {
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'fixtures/schema/results.schema.json'), 'utf8'));
  const validate = new Ajv({ allErrors: true, strict: false, logger: false, validateFormats: false }).compile(schema);
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}
