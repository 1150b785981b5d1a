// Writes a run's files atomically (temp file + rename), so a crashed or interrupted run never leaves
// a half-written results.json, and mirrors the newest run into reports/latest/.
import fs from 'node:fs';
import path from 'node:path';

export function writeFileAtomic(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

/** Replaces reports/latest with a copy of the run directory (copy, not symlink: artifacts upload it). */
export function updateLatest(reportDir: string, runDir: string): string {
  const latest = path.join(reportDir, 'latest');
  const staging = path.join(reportDir, `.latest-${process.pid}`);
  fs.rmSync(staging, { recursive: true, force: true });
  fs.cpSync(runDir, staging, { recursive: true });
  fs.rmSync(latest, { recursive: true, force: true });
  fs.renameSync(staging, latest);
  return latest;
}
