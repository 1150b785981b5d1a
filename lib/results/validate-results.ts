// Validates a results document against fixtures/schema/results.schema.json.
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { ROOT } from '../core/paths.ts';

export function validateResults(doc: unknown): string[] {
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'fixtures/schema/results.schema.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false });
  // RFC 3339 timestamps as the harness writes them (ajv ships no formats without ajv-formats).
  ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
  const validate = ajv.compile(schema);
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}
