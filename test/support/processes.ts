// Which processes are alive whose command line contains a marker (Linux /proc): used to prove a
// broker and its helpers (epmd, beam) are gone after a run, also after a failed start.
import fs from 'node:fs';

export function processesMatching(marker: RegExp): { pid: number; cmd: string }[] {
  const found: { pid: number; cmd: string }[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (/^\d+ \(.*\) Z/.test(stat)) continue; // a zombie runs nothing
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (marker.test(cmd)) found.push({ pid: Number(entry), cmd });
    } catch { /* the process ended while we looked */ }
  }
  return found;
}
