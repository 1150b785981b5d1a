// The validated plan of one run: what lib/cli builds from flags (once, before any side effect) and
// lib/run carries out. Plain data.
import type { DriverName, ProtocolVersion } from '../core/broker.ts';
import type { MisconfigurationName } from '../core/misconfiguration-name.ts';
import type { ExternalProfile } from '../drivers/external-driver.ts';
import type { ExpectationsSource } from '../results/expectations.ts';
import type { BenchPlan } from '../load/bench-suite.ts';
import type { FuzzPlan } from '../fuzz/fuzz-plan.ts';

export interface TargetPlan {
  /** The broker's name (the descriptor's). */
  name: string;
  /** `--target <name>@<version>`: the version asked for; it fixed the driver (and image) below. */
  version?: string;
  /** Loaded and validated while building the plan, before any side effect. */
  profile?: ExternalProfile;
  /** 'auto' is resolved at run time: container when an engine answers, else local when the binary exists. */
  driver: DriverName | 'auto';
  image?: string;
  profileFile?: string;
}

export interface RunPlan {
  targets: TargetPlan[];
  suites: string[];
  protocols?: ProtocolVersion[];
  reportDir: string;
  filters: string[];
  /** --key: run only the tests with these stable keys (exact match; combines with the name filters). */
  keys?: string[];
  strict: boolean;
  /** --fault: run the suites through the fault-injecting proxy with this named fault. */
  fault?: string;
  /** --misconfig (test-only): every managed target renders this deliberately broken setting. */
  misconfiguration?: MisconfigurationName;
  /** Set when the `bench` suite is selected: scenarios, thresholds and baseline, validated before any start. */
  bench?: BenchPlan;
  /** Set when the `fuzz` suite is selected: --fuzz-budget, --fuzz-seed, --fuzz-iterations. */
  fuzz?: FuzzPlan;
  /** --expectations: a file (for the target it names) or a directory of <target>.json, instead of fixtures/expectations. */
  expectations?: ExpectationsSource;
  /** --suites-dir (self-test aid): absolute folder whose sub-folders are the suites, instead of suites/;
   *  lets a self-test run fixture suites (a failing hook, ...) without planting files in suites/. */
  suitesDir?: string;
  /** --strict-expectations: an expectation entry whose test passes (a stale entry) fails the run (exit 1). */
  strictExpectations?: boolean;
}

