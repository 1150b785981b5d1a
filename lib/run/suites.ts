// The suites a run can select with --suite. Each is a folder under suites/.
export interface SuiteInfo {
  name: string;
  description: string;
  /** Part of a run without --suite. */
  byDefault: boolean;
}

export const SUITES: readonly SuiteInfo[] = [
  { name: 'smoke', description: 'pub/sub round trip on every listener, QoS 0/1/2', byDefault: true },
  { name: 'bench', description: 'load benchmarks (scenarios in suites/bench/*.json), run by the engine, not vitest', byDefault: false },
];

export const DEFAULT_SUITES: string[] = SUITES.filter((s) => s.byDefault).map((s) => s.name);
