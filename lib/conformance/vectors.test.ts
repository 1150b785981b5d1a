import { describe, expect, test } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../run/paths.ts';
import { loadVectorFiles, validateVectorFile, vectorsDir } from './vectors.ts';
import { loadStatements } from '../results/coverage.ts';

describe('fixtures/vectors', () => {
  const files = fs.readdirSync(vectorsDir(ROOT)).filter((f) => f.endsWith('.json'));

  test.each(files)('%s validates against fixtures/schema/vectors.schema.json', (file) => {
    const doc = JSON.parse(fs.readFileSync(path.join(vectorsDir(ROOT), file), 'utf8'));
    expect(validateVectorFile(ROOT, doc, file)).toEqual([]);
  });

  test('the schema rejects a vector without statement ids and with bad hex (the check can fail)', () => {
    const bad = { protocol: '3.1.1', area: 'x', vectors: [{ name: 'bad one', comment: 'no spec', steps: [{ send: 'zz' }] }] };
    const errors = validateVectorFile(ROOT, bad, 'bad.json');
    expect(errors.join('\n')).toMatch(/spec/);
    expect(errors.join('\n')).toMatch(/send|pattern/);
  });

  test('every statement id a vector names exists in the statement list of its protocol', () => {
    for (const f of loadVectorFiles(ROOT)) {
      const ids = new Set(loadStatements(ROOT, f.protocol)?.statements.map((s) => s.id) ?? []);
      for (const v of f.vectors) for (const id of v.spec) expect(ids.has(id), `${f.file}: ${v.name}: ${id}`).toBe(true);
    }
  });
});
