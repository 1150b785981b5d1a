// Mutation scores of the self-tests (3.1.1 and v5), kept in reports/selftest/ so that whichever
// mutation self-test finishes last can print the combined score of both.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../lib/core/paths.ts';

export interface MutationScore {
  protocol: '3.1.1' | '5';
  caught: number;
  injected: number;
  at: string;
}

const dir = path.join(ROOT, 'reports', 'selftest');

export function recordMutationScore(score: Omit<MutationScore, 'at'>): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `mutation-${score.protocol}.json`), JSON.stringify({ ...score, at: new Date().toISOString() }) + '\n');
  const all = (['3.1.1', '5'] as const)
    .map((p) => path.join(dir, `mutation-${p}.json`))
    .filter((f) => fs.existsSync(f))
    .map((f) => JSON.parse(fs.readFileSync(f, 'utf8')) as MutationScore);
  const caught = all.reduce((n, s) => n + s.caught, 0);
  const injected = all.reduce((n, s) => n + s.injected, 0);
  return `combined mutation score: ${caught}/${injected} faults caught (${all.map((s) => `MQTT ${s.protocol} ${s.caught}/${s.injected}, ${s.at}`).join('; ')})`;
}
