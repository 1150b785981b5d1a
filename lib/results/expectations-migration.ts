// The one-time move of expectations files from title ids to test keys (scripts/migrate-expectations.ts
// is the command). An old entry named a test by its display id, or by an id prefix ending in `*`;
// results.json documents whose tests carry both the id and the key say which keys those were, per
// protocol. Pure: files and results in, migrated file and the entries it could not map out.
import type { ProtocolVersion } from '../core/broker.ts';

/**
 * A keyed entry as this migration writes it (the first key format): it still lacks the version range
 * and the expected failure that lib/results/expectations.ts requires now, so a migrated file is
 * triaged by hand (run the broker, read each failure) before it loads.
 */
export interface KeyedExpectationEntry {
  key: string;
  protocol?: ProtocolVersion | null;
  spec?: string[];
  reason: string;
  brokerVersion?: string;
}
type ExpectationEntry = KeyedExpectationEntry;
interface ExpectationsFile { target: string; deviations: KeyedExpectationEntry[] }

/** A pre-key entry: `id` is a display id, or an id prefix when it ends in `*`. */
export interface IdExpectationEntry {
  id: string;
  protocol?: ProtocolVersion | null;
  spec?: string[];
  reason: string;
  brokerVersion?: string;
}

export interface MixedExpectationsFile {
  target: string;
  deviations: (IdExpectationEntry | ExpectationEntry)[];
}

/** What a results.json test contributes: the id it was known by, its key, and its protocol. */
export interface IdKeyPair {
  id: string;
  key: string;
  protocol: ProtocolVersion | null;
}

export interface MigrationOutcome {
  file: ExpectationsFile;
  /** Old entries no test in the results matched (for their protocol): left out of `file`. */
  unmapped: IdExpectationEntry[];
}

const isKeyed = (e: IdExpectationEntry | ExpectationEntry): e is ExpectationEntry => 'key' in e && typeof e.key === 'string';

function keysOf(entry: IdExpectationEntry, tests: IdKeyPair[]): string[] {
  const prefix = entry.id.endsWith('*') ? entry.id.slice(0, -1) : undefined;
  const hits = tests.filter((t) => (entry.protocol == null || t.protocol === entry.protocol)
    && (prefix !== undefined ? t.id.startsWith(prefix) : t.id === entry.id));
  return [...new Set(hits.map((t) => t.key))];
}

/**
 * One entry per key an old entry matched (a prefix entry becomes several), keeping protocol, spec,
 * reason and brokerVersion; entries already keyed pass through, so running it twice changes nothing.
 * Order is kept and a later entry for a (key, protocol) already listed is dropped: the first
 * matching entry was the one applied before, and still is.
 */
export function migrateExpectations(source: MixedExpectationsFile, tests: IdKeyPair[]): MigrationOutcome {
  const out: ExpectationEntry[] = [];
  const unmapped: IdExpectationEntry[] = [];
  const seen = new Set<string>();
  const push = (e: ExpectationEntry) => {
    const slot = `${e.protocol ?? ''}\u0000${e.key}`;
    if (seen.has(slot)) return;
    seen.add(slot);
    out.push(e);
  };
  for (const entry of source.deviations) {
    if (isKeyed(entry)) { push(entry); continue; }
    const keys = keysOf(entry, tests);
    if (!keys.length) { unmapped.push(entry); continue; }
    const { id: _id, ...rest } = entry;
    for (const key of keys) push({ key, ...rest });
  }
  return { file: { target: source.target, deviations: out }, unmapped };
}
