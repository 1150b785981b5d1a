// Where the specification allows several behaviours, a test accepts each of them and records the one
// the broker chose; --strict accepts only the behaviour the specification intends. The conformance
// DSL's behaviour helper is the one caller: --strict is judged here and nowhere else.

/**
 * Returns why the observed behaviour is not accepted, or undefined when it is. `intended` may name
 * several behaviours where the specification intends a class of them (e.g. either failure code).
 */
export function judgeBehaviour(observed: string, allowed: readonly string[], intended: string | readonly string[], strict: boolean): string | undefined {
  if (!allowed.includes(observed)) return `behaviour "${observed}" is not one the specification allows (${allowed.join(' | ')})`;
  const intendedList = typeof intended === 'string' ? [intended] : intended;
  return judgeIntended(observed, intendedList.includes(observed), intendedList.join(' | '), strict);
}

/**
 * For behaviours whose names carry values (reason codes, counts) the test's own assertions decide
 * whether the behaviour is allowed; this judges only whether it is the intended one.
 */
export function judgeIntended(observed: string, isIntended: boolean, intends: string, strict: boolean): string | undefined {
  if (strict && !isIntended) return `--strict: the specification intends "${intends}", the broker chose "${observed}"`;
  return undefined;
}
