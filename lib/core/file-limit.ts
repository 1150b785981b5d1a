// Open-file limits (RLIMIT_NOFILE) of this process and of a broker it started. Every held connection
// costs one descriptor on each side, so a connection scenario is bounded by the smaller soft limit.
// Node cannot call setrlimit(2) on itself, but util-linux's prlimit(1) can raise the soft limit of a
// running process (prlimit(2) on its pid) up to its hard limit: no privilege is needed for that, and
// children started afterwards (brokers, the C clients) inherit the raised limit.
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';

export interface FileLimit {
  soft: number;
  hard: number;
}

/** RLIMIT_NOFILE of a process from /proc/<pid>/limits ("unlimited" reads as Infinity); undefined when unreadable. */
export function fileLimit(pid: number | 'self' = 'self'): FileLimit | undefined {
  try {
    const line = fs.readFileSync(`/proc/${pid}/limits`, 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const m = line?.match(/^Max open files\s+(\S+)\s+(\S+)/);
    if (!m) return undefined;
    const n = (v: string) => (v === 'unlimited' ? Infinity : Number(v));
    return { soft: n(m[1]!), hard: n(m[2]!) };
  } catch {
    return undefined;
  }
}

/**
 * Raises a process's soft open-file limit to its hard one with prlimit(1). Returns the limit in force
 * afterwards and, when it could not be raised, why (prlimit missing or refused), for a one-line note.
 */
export function raiseFileLimit(pid: number | 'self' = 'self'): { limit: FileLimit | undefined; note?: string } {
  const before = fileLimit(pid);
  if (!before || before.soft >= before.hard) return { limit: before };
  const target = pid === 'self' ? process.pid : pid;
  const hard = Number.isFinite(before.hard) ? String(before.hard) : 'unlimited';
  try {
    execFileSync('prlimit', ['--pid', String(target), `--nofile=${hard}:${hard}`], { stdio: 'ignore' });
  } catch (e) {
    return { limit: before, note: `could not raise the open-file limit of pid ${target} from ${before.soft} to ${hard} (prlimit: ${(e as Error).message.split('\n')[0]}); run under \`ulimit -n ${hard}\`` };
  }
  return { limit: fileLimit(pid) };
}
