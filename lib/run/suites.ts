// The suites a run can select with --suite. Each is a folder under suites/.
export interface SuiteInfo {
  name: string;
  description: string;
  /** Part of a run without --suite. */
  byDefault: boolean;
}

export const SUITES: readonly SuiteInfo[] = [
  { name: 'smoke', description: 'pub/sub round trip on every listener, QoS 0/1/2', byDefault: true },
  { name: 'tls', description: 'certificate verification both ways, TLS versions/ciphers, robustness, wire confidentiality', byDefault: true },
  { name: 'auth', description: 'password login and the standard test ACL, per protocol version', byDefault: true },
  { name: 'conformance', description: 'MQTT 3.1.1/5 behaviour traced to normative statements, raw-packet vectors', byDefault: true },
  { name: 'fuzz', description: 'grammar-based fuzzing of MQTT 3.1.1 and 5 sessions with a liveness and memory oracle; minimized findings become vectors', byDefault: false },
  { name: 'bench', description: 'load benchmarks (scenarios in suites/bench/*.json), run by the engine, not vitest', byDefault: false },
];

export const DEFAULT_SUITES: string[] = SUITES.filter((s) => s.byDefault).map((s) => s.name);
