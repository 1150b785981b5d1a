// docs/test-keys.md: every expectation entry and every finding rule names a registered key. The
// pure half of that check: given the keys of the registered tests (lib/run/test-registry.ts lists
// them by collecting the suites), what points at nothing. An expectation entry or a finding rule
// whose key is not registered silently covers nothing, so the self-test fails on any.
import type { ExpectationEntry } from './expectations.ts';
import { FINDING_TEST_KEYS } from './findings.ts';

export interface UnregisteredKeys {
  /** Per expectations file (by target), its entries whose key no registered test has. */
  expectations: { target: string; entry: ExpectationEntry }[];
  /** Keys a finding rule reads that no registered test has. */
  findingKeys: string[];
}

export function unregisteredKeys(
  registered: Iterable<string>,
  expectations: { target: string; deviations: ExpectationEntry[] }[],
  findingKeys: readonly string[] = FINDING_TEST_KEYS,
): UnregisteredKeys {
  const known = new Set(registered);
  return {
    expectations: expectations.flatMap(({ target, deviations }) => deviations.filter((e) => !known.has(e.key)).map((entry) => ({ target, entry }))),
    findingKeys: findingKeys.filter((k) => !known.has(k)),
  };
}
