// The key rules (docs/test-keys.md) over a set of tests: every test declares a key of the key form,
// and no two different tests (different display ids) claim the same key — per protocol within a run,
// or at all among test definitions. Pure: the runner turns each problem into an `error` result, the
// self-test test/test-keys.test.ts applies the same rules to every registered test.
import type { ProtocolVersion } from '../core/broker.ts';
import { keyFormProblem } from '../core/test-key.ts';
import type { TestResult } from '../results/types.ts';

export interface KeyClaim {
  /** The key the test declared, undefined if none. */
  key: string | undefined;
  id: string;
  protocol: ProtocolVersion | null;
}

/**
 * `run`: `(key, protocol)` identifies a result, so one definition registered under both protocols
 * is fine. `definitions`: additionally a key names one test definition, so all its claims come
 * from one file (a definition's title may differ per protocol: the DSL puts that protocol's
 * statement ids in front).
 */
export type KeyScope = 'run' | 'definitions';

const fileOfId = (id: string) => id.split(' › ')[0]!;

/** For each claim (same order), why its key cannot identify the test, or undefined when it can. */
export function keyProblems(claims: readonly KeyClaim[], scope: KeyScope = 'run'): (string | undefined)[] {
  const slot = (c: KeyClaim) => `${c.key}\u0000${c.protocol ?? ''}`;
  const idsBySlot = new Map<string, Set<string>>();
  const filesByKey = new Map<string, Set<string>>();
  const formProblems = claims.map((c) => keyFormProblem(c.key));
  claims.forEach((c, i) => {
    if (formProblems[i]) return;
    idsBySlot.set(slot(c), (idsBySlot.get(slot(c)) ?? new Set<string>()).add(c.id));
    filesByKey.set(c.key!, (filesByKey.get(c.key!) ?? new Set<string>()).add(fileOfId(c.id)));
  });
  return claims.map((c, i) => {
    if (formProblems[i]) return `test ${formProblems[i]} (docs/test-keys.md)`;
    const others = [...idsBySlot.get(slot(c))!].filter((id) => id !== c.id);
    if (others.length) {
      const where = c.protocol ? ` under mqtt ${c.protocol}` : '';
      return `test key "${c.key}" is shared${where} with a different test: ${others.map((id) => `"${id}"`).join(', ')}`;
    }
    const files = [...filesByKey.get(c.key!)!].filter((f) => f !== fileOfId(c.id));
    if (scope === 'definitions' && files.length) return `test key "${c.key}" is also declared in ${files.map((f) => `"${f}"`).join(', ')}`;
    return undefined;
  });
}

/** The key a result carries when its test declared none: distinct per test, never of the key form. */
export function unkeyedPlaceholder(id: string): string {
  return `(no key) ${id}`;
}

/**
 * A run's results with the key rules applied: a test whose key is missing, ill-formed or shared
 * ends `error` with the reason, its own verdict kept in the message. `declared[i]` is the key
 * results[i]'s test declared (results carry a placeholder when it declared none).
 */
export function enforceTestKeys(results: readonly TestResult[], declared: readonly (string | undefined)[]): TestResult[] {
  const problems = keyProblems(results.map((r, i) => ({ key: declared[i], id: r.id, protocol: r.protocol })));
  return results.map((r, i) => {
    const problem = problems[i];
    if (!problem) return r;
    const own = `the test itself ended ${r.status}${r.detail?.reason ? `: ${r.detail.reason}` : ''}`;
    return { ...r, status: 'error', detail: { ...r.detail, reason: `${problem} (${own})` } };
  });
}
