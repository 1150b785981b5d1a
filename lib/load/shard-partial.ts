// Shard partial files: `<out>/partial-<i>-of-<N>.json`, written atomically (a crashed shard leaves no
// half-written partial), read back by `npm run report -- merge <dir|file>...`.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../core/errors.ts';
import { writeFileAtomic } from '../results/write-results.ts';
import { PARTIAL_FORMAT, PARTIAL_VERSION, type ShardPartial } from './shard-merge.ts';

export function partialFileName(index: number, count: number): string {
  return `partial-${index}-of-${count}.json`;
}

export function writePartial(outDir: string, p: ShardPartial): string {
  const file = path.join(outDir, partialFileName(p.shard.index, p.shard.count));
  writeFileAtomic(file, JSON.stringify(p) + '\n');
  return file;
}

function readOne(file: string): ShardPartial {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`partial ${file}: ${code ? `cannot be read (${code})` : `is not JSON (${(e as Error).message})`}; give the files or directories a sharded bench run wrote with --out`);
  }
  const p = data as Partial<ShardPartial> | null;
  if (!p || p.format !== PARTIAL_FORMAT) throw new UsageError(`partial ${file}: not a shard partial (format is not "${PARTIAL_FORMAT}"); give the files a bench run with --shard wrote`);
  if (p.version !== PARTIAL_VERSION) throw new UsageError(`partial ${file}: version ${String(p.version)}, this harness reads version ${PARTIAL_VERSION}; merge with the harness version that wrote it`);
  if (!p.shard || !Array.isArray(p.scenarios) || !p.target || !p.machine || typeof p.startAt !== 'string') throw new UsageError(`partial ${file}: shard, startAt, machine, target or scenarios missing; the file is damaged`);
  return p as ShardPartial;
}

/** Every partial in the given files and directories (a directory: its partial-*-of-*.json files). */
export function readPartials(inputs: readonly string[]): { file: string; partial: ShardPartial }[] {
  const files: string[] = [];
  for (const input of inputs) {
    const abs = path.resolve(input);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch (e) {
      throw new UsageError(`${input}: ${(e as NodeJS.ErrnoException).code ?? 'cannot be read'}; give the directory a sharded bench run wrote with --out`);
    }
    if (!stat.isDirectory()) {
      files.push(abs);
      continue;
    }
    const found = fs.readdirSync(abs).filter((f) => /^partial-\d+-of-\d+\.json$/.test(f)).sort();
    if (!found.length) throw new UsageError(`${input}: holds no partial-<i>-of-<N>.json; give the directory a bench run with --shard --out wrote`);
    files.push(...found.map((f) => path.join(abs, f)));
  }
  return files.map((file) => ({ file, partial: readOne(file) }));
}
