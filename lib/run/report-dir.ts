// Pre-flight for --report-dir: the directory must exist or be creatable, and writable, before any
// broker starts — otherwise a run would test a broker and then lose its results (exit 2, one line).
// The check leaves nothing behind: directories it had to create are removed again (the run creates
// them for real once it starts), so a run refused later in pre-flight leaves no empty report folder.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../core/errors.ts';

const code = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** Why a path cannot be a directory, in words: the errno alone tells a user little. */
function explain(errno: string): string {
  if (errno === 'ENOTDIR') return 'a part of the path is a file, not a directory';
  if (errno === 'EACCES' || errno === 'EPERM') return `permission denied (${errno})`;
  if (errno === 'EROFS') return 'it is on a read-only filesystem (EROFS)';
  return `cannot be written (${errno})`;
}

export function assertWritableReportDir(dir: string, flag = '--report-dir (default reports/)'): void {
  const abs = path.resolve(dir);
  const fail = (problem: string): never => {
    throw new UsageError(`${flag.split(' ')[0]} ${dir}: ${problem}; pass a writable directory${flag.includes(' ') ? ` ${flag.slice(flag.indexOf(' ') + 1)}` : ''}`);
  };
  // /proc and /sys are kernel views: creating files there hangs or fails in odd ways.
  if (/^\/(proc|sys)(\/|$)/.test(abs)) fail('is inside a kernel filesystem (/proc or /sys)');
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(abs);
  } catch (e) {
    if (code(e) !== 'ENOENT') fail(explain(code(e)));
  }
  if (stat && !stat.isDirectory()) fail('is a file, not a directory');
  let created: string | undefined;
  try {
    created = fs.mkdirSync(abs, { recursive: true });
    const probe = path.join(abs, `.write-probe-${process.pid}`);
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch (e) {
    fail(explain(code(e)));
  } finally {
    // Remove what this check created, deepest first, only while empty.
    for (let d = abs; created && d.startsWith(created); d = path.dirname(d)) {
      try {
        fs.rmdirSync(d);
      } catch {
        break;
      }
      if (d === created) break;
    }
  }
}
