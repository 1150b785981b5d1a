// Broker version ranges for expectation entries (issue "No false pass"): an entry applies only to
// the broker versions it names, so a deviation fixed in a newer release shows there as a plain pass.
// Versions brokers report are not always semver ("23.01", "3.10.8", "2.0.11"); both sides are
// coerced (23.01 → 23.1.0) before semver's range check.
import semver from 'semver';

/** "23.01" → "23.1.0" (semver forbids leading zeros; brokers use them). */
export function toSemver(v: string): string | undefined {
  const m = /(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(v);
  return m ? `${Number(m[1])}.${Number(m[2] ?? 0)}.${Number(m[3] ?? 0)}` : undefined;
}

/** A range is valid when semver can parse it after coercing each version inside it. */
export function normalizeRange(range: string): string | undefined {
  const coerced = range.replace(/\b\d+(?:\.\d+){0,2}\b(?!\.)/g, (v) => toSemver(v) ?? v);
  return semver.validRange(coerced) ?? undefined;
}

export function versionInRange(version: string, range: string): boolean {
  const v = toSemver(version);
  const r = normalizeRange(range);
  if (!v || !r) return false;
  return semver.satisfies(v, r);
}

/** Numeric version order (2.0.9 < 2.0.11 < 2.0.21; "23.01" = 23.1.0); a version semver cannot read sorts after, by text. */
export function compareVersions(a: string, b: string): number {
  const x = toSemver(a);
  const y = toSemver(b);
  if (x && y) return semver.compare(x, y) || a.localeCompare(b);
  return x ? -1 : y ? 1 : a.localeCompare(b);
}
