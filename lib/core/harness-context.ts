// What every test file receives (via vitest's provide/inject): the started broker's connection
// details, its capabilities and the protocol versions to run. Plain JSON, no functions.
import type { PkiSet } from './pki-files.ts';
import type { Capabilities, DriverName, ListenerInfo, ListenerName, ProtocolVersion } from './broker.ts';

export interface HarnessContext {
  runId: string;
  target: {
    name: string;
    driver: DriverName;
    brokerVersion: string;
    capabilities: Capabilities;
    listeners: Partial<Record<ListenerName, ListenerInfo>>;
    missingListeners: Partial<Record<ListenerName, string>>;
    /** `tls-bad-<scenario>` listeners serving certificates a verifying client must reject. */
    extraListeners?: Record<string, ListenerInfo>;
    /** PID of the broker process when the harness sees it (local driver; embedded: the harness's own). */
    pid?: number;
  };
  /** Protocol versions to run: the target's, narrowed by --protocol. */
  protocols: ProtocolVersion[];
  /** Protocol versions the run asked for (--protocol, else all), before narrowing to the target's:
   *  lets a suite report `not-applicable` for a version the target lacks instead of vanishing. */
  requestedProtocols?: ProtocolVersion[];
  /** --strict: accept only the behaviour the specification intends, not every allowed one. */
  strict: boolean;
  /** --key: only the tests with these stable keys run; every other test is skipped as not selected. */
  keys?: string[];
  /** The run's certificate set (client certificates, CAs, keys); absent for external brokers. */
  pki?: PkiSet;
  /** --suite fuzz: its budget and seed, and where findings are written (`<run dir>/fuzz`). */
  fuzz?: { budgetMs: number; maxIterations: number; seed: number; outDir: string };
}

declare module 'vitest' {
  export interface ProvidedContext {
    harness: HarnessContext;
  }
}

declare module '@vitest/runner' {
  interface TaskMeta {
    /** The test's stable key (docs/test-keys.md); declared by the suite DSL, never derived from the title. */
    key?: string;
    /** Normative statement ids this test checks, e.g. MQTT-3.1.3-8. */
    spec?: string[];
    protocol?: ProtocolVersion;
    /** Set when the test found the target unable to run it (a missing capability). */
    notApplicable?: string;
    /** Extra detail (expected/actual/behaviour) for the report. */
    detail?: { expected?: string; actual?: string; behaviour?: string; reason?: string };
  }
}
