// The form of a stable test key (docs/test-keys.md), in the lowest layer because three places check
// it: the suites' registration primitive, the vector loader and the runner that enforces keys.

/** `<area>.<name>[.<variant>]`: lower-case dot-separated segments of [a-z0-9-], at least two. */
export const KEY_FORM = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$/;

/** Why `key` is not a usable test key, or undefined when it is. */
export function keyFormProblem(key: string | undefined): string | undefined {
  if (key === undefined || key === '') return 'declares no key';
  if (!KEY_FORM.test(key)) return `key "${key}" is not of the form <area>.<name> (lower-case [a-z0-9-] segments joined by dots)`;
  return undefined;
}
