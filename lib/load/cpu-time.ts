// CPU time from /proc (Linux): of a process (/proc/<pid>/stat), of a thread (/proc/<pid>/task/<tid>),
// or of the calling thread (/proc/thread-self). utime+stime are in clock ticks (USER_HZ = 100 on Linux).
import fs from 'node:fs';

const TICK_MS = 10;

/** CPU ms and RSS bytes of a /proc stat file, or undefined if it is gone. */
export function readProcStat(file: string): { cpuMs: number; rssBytes: number } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  // The command name may contain spaces and parentheses; fields after the last ')' are fixed.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const rssPages = Number(fields[21]);
  return { cpuMs: (utime + stime) * TICK_MS, rssBytes: rssPages * 4096 };
}

export function threadCpuMs(): number {
  return readProcStat('/proc/thread-self/stat')?.cpuMs ?? 0;
}
