// The versions `--target <name>@<version>` can ask for, and the driver that provides each: the
// version of the broker's Debian package installed on this host runs under the local driver; a
// version built from Debian trixie packages (.ci/trixie/<name>.recipe, built by
// .ci/build-trixie-image.sh) runs under the container driver, from the image tagged with a hash of
// the recipe and the build script, so a changed recipe names a new image.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../core/paths.ts';
import type { TargetDescriptor } from '../core/broker.ts';

export interface VersionOffer {
  version: string;
  driver: 'local' | 'container';
  /** Container offers: the image the recipe builds. */
  image?: string;
  /** Where the version comes from, as a report and an error message say it. */
  source: string;
  /** Container offers: the command that builds the image when it is missing. */
  build?: string;
}

export const TRIXIE_BUILD_SCRIPT = path.join(ROOT, '.ci', 'build-trixie-image.sh');
export const trixieRecipeFile = (target: string) => path.join(ROOT, '.ci', 'trixie', `${target}.recipe`);

/** Debian's "1:2.0.11-1.2+deb12u2" → the upstream "2.0.11" (no epoch, no Debian revision). */
export function upstreamVersion(debianVersion: string): string {
  return debianVersion.replace(/^\d+:/, '').replace(/-[^-]*$/, '').replace(/[+~]dfsg.*$|\+ds.*$/, '');
}

/**
 * The tag .ci/build-trixie-image.sh gives a recipe's image: localhost/<target>:<VERSION>-trixie-<12
 * hex of sha256(script text + recipe text)>; the script computes it the same way (`cat script recipe | sha256sum`).
 */
export function trixieImageTag(target: string, scriptText: string | Buffer, recipeText: string | Buffer): { version: string; image: string } | undefined {
  const version = /^VERSION=["']?([^"'\s]+)/m.exec(recipeText.toString())?.[1];
  if (!version) return undefined;
  const hash = createHash('sha256').update(scriptText).update(recipeText).digest('hex').slice(0, 12);
  return { version, image: `localhost/${target}:${version}-trixie-${hash}` };
}

function hostPackageVersion(pkg: string): string | undefined {
  try {
    const out = execFileSync('dpkg-query', ['-W', '-f', '${db:Status-Abbrev} ${Version}', pkg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
    const [status, version] = out.trim().split(/\s+/);
    return status === 'ii' && version ? version : undefined;
  } catch {
    return undefined; // no dpkg (not Debian) or not installed
  }
}

/** The image `.ci/trixie/<target>.recipe` builds (and its version), when the recipe exists. */
export function trixieImage(target: string): { version: string; image: string } | undefined {
  const recipe = trixieRecipeFile(target);
  if (!fs.existsSync(recipe) || !fs.existsSync(TRIXIE_BUILD_SCRIPT)) return undefined;
  return trixieImageTag(target, fs.readFileSync(TRIXIE_BUILD_SCRIPT), fs.readFileSync(recipe));
}

/** Every version of a target this machine can run, host package first. */
export function versionOffers(t: TargetDescriptor): VersionOffer[] {
  const offers: VersionOffer[] = [];
  const pkg = t.debianPackage;
  const host = pkg && t.drivers.local ? hostPackageVersion(pkg) : undefined;
  if (host) offers.push({ version: upstreamVersion(host), driver: 'local', source: `Debian package ${pkg} ${host} on this host` });
  const tag = t.drivers.container ? trixieImage(t.name) : undefined;
  if (tag && !offers.some((o) => o.version === tag.version)) {
    offers.push({
      version: tag.version, driver: 'container', image: tag.image, source: `image from Debian trixie packages (${path.relative(ROOT, trixieRecipeFile(t.name))})`,
      build: `sudo ${path.relative(ROOT, TRIXIE_BUILD_SCRIPT)} ${t.name}`,
    });
  }
  return offers;
}

/** `2.0.11 (local: …), 2.0.21 (container: …)`, for the error that lists what can be had. */
export function describeOffers(offers: readonly VersionOffer[]): string {
  return offers.map((o) => `${o.version} (${o.driver}: ${o.source})`).join(', ');
}
