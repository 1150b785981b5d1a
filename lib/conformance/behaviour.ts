// Where the specification allows several behaviours, a test accepts each of them and records the one
// the broker chose; --strict accepts only the behaviour the specification intends.

/** Returns why the observed behaviour is not accepted, or undefined when it is. */
export function judgeBehaviour(observed: string, allowed: readonly string[], intended: string, strict: boolean): string | undefined {
  if (!allowed.includes(observed)) return `behaviour "${observed}" is not one the specification allows (${allowed.join(' | ')})`;
  if (strict && observed !== intended) return `--strict: the specification intends "${intended}", the broker chose "${observed}"`;
  return undefined;
}
