// What every test file receives (via vitest's provide/inject): the started broker's connection
// details, its capabilities and the protocol versions to run. Plain JSON, no functions.
import type { PkiSet } from './pki-files.ts';
import type { TestPolicy } from './access-policy.ts';
import type { Capabilities, DriverName, ListenerInfo, ListenerName, ProtocolVersion } from './broker.ts';
import type { FuzzRecord } from './fuzz-record.ts';

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
    /** The broker's log file (local and container drivers): the fuzz oracle quotes its tail. */
    logFile?: string;
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
  /**
   * The run's certificate set. For a managed broker: its CA, server and client certificates. For an
   * external broker only client-side material the harness makes itself (a foreign CA's client
   * certificate, a self-signed one): its CA is never the trust anchor of an external listener.
   */
  pki?: PkiSet;
  /** An external broker's own material, from its profile (absent for managed brokers). */
  external?: ExternalMaterial;
  /** --suite fuzz: its budget and seed, and where findings are written (`<run dir>/fuzz`). */
  fuzz?: {
    budgetMs: number; maxIterations: number; seed: number; outDir: string;
    /** Differential mode (several targets): the unguided schedule, and where this target's answers go. */
    differentialFile?: string;
  };
}

/** A client certificate with its key (paths) and the key's passphrase. */
export interface ClientIdentity {
  certFile: string;
  keyFile: string;
  passphrase?: string;
}

/** What a profile gives the suites beyond listener URLs (TLS trust per listener lives in ListenerInfo). */
export interface ExternalMaterial {
  /** The identity the mtls listener accepts (profile clientCertFile/clientKeyFile). */
  client?: ClientIdentity;
  /** A user the password listeners accept (profile credentials). */
  credentials?: { username: string; password: string };
  /** The users and ACL the auth suite may assume: the profile's policy, else the standard test policy. */
  policy?: TestPolicy;
  /** Client certificates from the operator's CA that the mtls listener must refuse. */
  negative?: { expired?: ClientIdentity; revoked?: ClientIdentity; notYetValid?: ClientIdentity };
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
    detail?: { expected?: string; actual?: string; behaviour?: string; reason?: string; fuzz?: FuzzRecord };
  }
}
