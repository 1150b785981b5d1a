// Picks the driver for a target when the user did not: aedes → embedded; other brokers → container
// when an engine answers, else local when the binary is on PATH, else an error naming both fixes.
import fs from 'node:fs';
import path from 'node:path';
import type { DriverName, TargetDescriptor } from '../core/broker.ts';
import { HarnessError, MissingBinaryError } from '../core/errors.ts';
import { containerEngineAnswers, requireContainerEngine } from './container-driver.ts';

// Debian installs broker daemons in sbin, which a non-root PATH often lacks. HARNESS_EXTRA_PATHS
// (colon-separated, may be empty) replaces this list.
const EXTRA_PATHS = process.env.HARNESS_EXTRA_PATHS !== undefined
  ? process.env.HARNESS_EXTRA_PATHS.split(path.delimiter)
  : ['/usr/sbin', '/usr/local/sbin', '/sbin'];

/** Absolute path of a binary on PATH (plus the sbin directories Debian daemons live in). */
export function findBinary(name: string): string | undefined {
  if (name.includes('/')) return fs.existsSync(name) ? name : undefined;
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), ...EXTRA_PATHS];
  for (const dir of dirs) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch { /* keep looking */ }
  }
  return undefined;
}

export async function resolveDriver(t: TargetDescriptor, requested: DriverName | 'auto', image?: string): Promise<Exclude<DriverName, 'external'>> {
  if (requested === 'external') throw new HarnessError('external targets are resolved from their profile');
  if (requested === 'local') {
    const bin = t.drivers.local?.binary;
    if (bin && !findBinary(bin)) {
      throw new MissingBinaryError(t.name, bin, `install it (Debian: apt-get install ${bin}) or use --driver container`);
    }
    return 'local';
  }
  if (requested === 'container') {
    await requireContainerEngine();
    return 'container';
  }
  if (requested === 'embedded') return 'embedded';
  // auto
  if (t.defaultDriver !== 'container-or-local') return t.defaultDriver as Exclude<DriverName, 'external'>;
  if (t.drivers.container && (image || (await containerEngineAnswers()))) return 'container';
  const bin = t.drivers.local?.binary;
  if (t.drivers.local && (!bin || findBinary(bin))) return 'local';
  throw new HarnessError(
    `${t.name}: no container engine answers and "${bin}" is not on PATH; ` +
    `start a container engine (set DOCKER_HOST) and use --driver container, or install ${bin} and use --driver local`,
  );
}
