// Pre-flight for --report-dir: the directory must exist or be creatable, and writable, before any
// broker starts — otherwise a run would test a broker and then lose its results (exit 2, one line).
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../core/errors.ts';

export function assertWritableReportDir(dir: string): void {
  const abs = path.resolve(dir);
  const fail = (problem: string): never => {
    throw new UsageError(`--report-dir ${dir}: ${problem}; pass a writable directory (default reports/)`);
  };
  // /proc and /sys are kernel views: creating files there hangs or fails in odd ways.
  if (/^\/(proc|sys)(\/|$)/.test(abs)) fail('is inside a kernel filesystem');
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(abs);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') fail(`cannot be read (${(e as NodeJS.ErrnoException).code})`);
  }
  if (stat && !stat.isDirectory()) fail('is a file, not a directory');
  try {
    fs.mkdirSync(abs, { recursive: true });
    const probe = path.join(abs, `.write-probe-${process.pid}`);
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch (e) {
    fail(`cannot be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
