// Command-line flags → RunPlan, validated once, before any side effect. Every error is a UsageError
// naming the flag, the bad value and what is allowed (exit 2, one line, no stack trace).
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { UsageError, UnknownTargetError, UnknownVersionError } from '../core/errors.ts';
import { TARGETS, DEFAULT_TARGET, findTarget } from '../targets/registry.ts';
import { DRIVER_NAMES, PROTOCOL_VERSIONS, targetLabel, type DriverName, type ProtocolVersion, type TargetDescriptor } from '../core/broker.ts';
import { describeOffers, versionOffers } from '../targets/target-versions.ts';
import { MISCONFIGURATION_NAMES } from '../policy/misconfiguration.ts';
import { SUITES, DEFAULT_SUITES } from '../run/suites.ts';
import { FAULT_NAMES } from '../faults/catalogue.ts';
import { loadProfile, type ExternalProfile } from '../drivers/external-driver.ts';
import { expectationsSource, type ExpectationsSource } from '../results/expectations.ts';
import { buildBenchPlan } from '../load/bench-suite.ts';
import { buildFuzzPlan } from '../fuzz/fuzz-plan.ts';
import type { RunPlan, TargetPlan } from '../run/run-plan.ts';

export type { RunPlan, TargetPlan } from '../run/run-plan.ts';

export const FLAG_OPTIONS = {
  target: { type: 'string', short: 't' },
  driver: { type: 'string', short: 'd' },
  image: { type: 'string' },
  profile: { type: 'string' },
  suite: { type: 'string', short: 's' },
  protocol: { type: 'string', short: 'p' },
  'report-dir': { type: 'string' },
  strict: { type: 'boolean' },
  fault: { type: 'string' },
  key: { type: 'string' },
  misconfig: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  scenario: { type: 'string' },
  duration: { type: 'string' },
  thresholds: { type: 'string' },
  baseline: { type: 'string' },
  'baseline-tolerance': { type: 'string' },
  shard: { type: 'string' },
  'start-at': { type: 'string' },
  out: { type: 'string' },
  'metrics-port': { type: 'string' },
  expectations: { type: 'string' },
  'suites-dir': { type: 'string' },
  'strict-expectations': { type: 'boolean' },
  'fuzz-budget': { type: 'string' },
  'fuzz-seed': { type: 'string' },
  'fuzz-iterations': { type: 'string' },
} as const;

export type ParsedFlags = ReturnType<typeof parseFlags>;

export function parseFlags(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: FLAG_OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    // node:util's messages already name the flag; keep the first sentence and point at --help.
    const msg = (e as Error).message.split('\n')[0]!.replace(/\. To specify.*$/, '');
    throw new UsageError(`${msg}; see --help`);
  }
}

function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  return items.length ? items : undefined;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag} "${value}" is not allowed; use one of: ${allowed.join(', ')}`);
  }
  return value as T;
}

/** --misconfig: test-only, and only for brokers whose configuration the harness writes. */
function misconfiguration(value: string, targets: TargetPlan[]) {
  if (targets.some((t) => t.driver === 'external')) {
    throw new UsageError('--misconfig changes the configuration the harness writes; an external broker (--profile) has none');
  }
  return oneOf('misconfig', value, MISCONFIGURATION_NAMES);
}

/**
 * --suites-dir (self-test aid, like --misconfig): a folder of fixture suites; its sub-folders are the
 * suite names --suite may pick (default: all of them).
 */
function fixtureSuites(dir: string): { suitesDir: string; names: string[] } {
  const suitesDir = path.resolve(dir);
  let names: string[];
  try {
    names = fs.readdirSync(suitesDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch (e) {
    throw new UsageError(`--suites-dir ${dir}: cannot be read as a directory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); pass a folder whose sub-folders hold *.test.ts suite files`);
  }
  if (!names.length) throw new UsageError(`--suites-dir ${dir}: has no sub-folders; each sub-folder is a suite of *.test.ts files`);
  return { suitesDir, names };
}

/** `<name>@<version>`: the version must be one this machine can run; it fixes the driver and image. */
function versionedTarget(entry: string, t: TargetDescriptor, version: string, wanted: DriverName | undefined, image: string | undefined): TargetPlan {
  const offers = versionOffers(t);
  const offer = offers.find((o) => o.version === version);
  if (!offer) throw new UnknownVersionError(t.name, version, describeOffers(offers));
  if (wanted && wanted !== offer.driver) {
    throw new UsageError(`--target ${entry}: version ${version} runs under the ${offer.driver} driver (${offer.source}), not ${wanted}; drop the driver for it`);
  }
  if (image) throw new UsageError(`--image and --target ${entry} both pick the broker to run; drop --image (the version names its image: ${offer.image ?? offer.source})`);
  return { name: t.name, version, driver: offer.driver, ...(offer.image ? { image: offer.image } : {}) };
}

export function buildRunPlan(flags: ParsedFlags): RunPlan {
  const v = flags.values;
  const driver = v.driver === undefined ? undefined : oneOf('driver', v.driver, DRIVER_NAMES);
  if (v.profile && driver && driver !== 'external') {
    throw new UsageError(`--profile describes an external broker; it cannot be combined with --driver ${driver}`);
  }
  if (driver === 'external' && !v.profile) {
    throw new UsageError('--driver external needs --profile <file.json> describing the broker (see fixtures/schema/profile.schema.json)');
  }

  let targets: TargetPlan[];
  if (v.profile) {
    if (v.target && list(v.target)!.length > 1) throw new UsageError('--profile describes one broker; give at most one --target name for it');
    const profileFile = path.resolve(v.profile);
    const profile = loadProfile(profileFile);
    // One name everywhere (expectations, results, findings): the profile's. A different --target would
    // check one name's expectations and apply another's.
    if (v.target && v.target !== profile.name) {
      throw new UsageError(`--target ${v.target} and the profile's name "${profile.name}" differ; drop --target or rename the profile (the profile's name keys expectations and results)`);
    }
    targets = [{ name: profile.name, driver: 'external', profileFile, profile }];
  } else {
    const names = list(v.target) ?? [DEFAULT_TARGET];
    let anyContainer = false;
    targets = names.map((entry) => {
      // `name:driver` picks the driver for one target (e.g. aedes:embedded,mosquitto --driver local);
      // `name@version` picks a version, which fixes the driver (lib/targets/target-versions.ts).
      const [spec, own, ...extra] = entry.split(':') as [string, string | undefined, ...string[]];
      const [name, version, ...extraAt] = spec.split('@') as [string, string | undefined, ...string[]];
      const t = findTarget(name);
      if (!t) throw new UnknownTargetError(name, TARGETS.map((x) => x.name));
      if (extra.length || extraAt.length || version === '') throw new UsageError(`--target ${entry}: use <name>, <name>@<version> or <name>:<driver>, e.g. mosquitto@2.0.21 or aedes:embedded`);
      if (own !== undefined && !(DRIVER_NAMES as readonly string[]).includes(own)) throw new UsageError(`--target ${entry}: unknown driver "${own}"; use one of: ${DRIVER_NAMES.join(', ')}`);
      const wanted = own === undefined ? driver : (own as DriverName);
      if (wanted === 'external') throw new UsageError(`--target ${entry}: an external broker is described by --profile <file.json>, not a target driver`);
      if (wanted && !t.drivers[wanted]) {
        const offered = Object.keys(t.drivers).join(', ');
        throw new UsageError(`${own === undefined ? `--driver ${wanted}` : `--target ${entry}: driver ${wanted}`} is not available for target ${name}; it offers: ${offered}`);
      }
      if (version !== undefined) return versionedTarget(entry, t, version, wanted, v.image);
      anyContainer ||= Boolean(t.drivers.container);
      return { name, driver: wanted ?? 'auto', image: v.image };
    });
    if (new Set(targets.map((t) => targetLabel(t.name, t.version))).size < targets.length) {
      throw new UsageError(`--target ${v.target}: names a target twice; give each target (or <name>@<version>) once`);
    }
    if (v.image && !anyContainer) {
      throw new UsageError(`--image applies to container targets; none of ${targets.map((t) => t.name).join(', ')} runs in a container`);
    }
  }

  const fixtures = v['suites-dir'] !== undefined ? fixtureSuites(v['suites-dir']) : undefined;
  const suites = list(v.suite) ?? fixtures?.names ?? DEFAULT_SUITES;
  for (const s of suites) oneOf('suite', s, fixtures?.names ?? SUITES.map((x) => x.name));
  const protocols = list(v.protocol)?.map((p) => oneOf('protocol', p === '3' || p === '4' ? '3.1.1' : p, PROTOCOL_VERSIONS));

  const benchFlags = { scenario: v.scenario, duration: v.duration, thresholds: v.thresholds, baseline: v.baseline, 'baseline-tolerance': v['baseline-tolerance'], shard: v.shard, 'start-at': v['start-at'], out: v.out, 'metrics-port': v['metrics-port'] };
  const strayBenchFlag = Object.entries(benchFlags).find(([, value]) => value !== undefined)?.[0];
  if (strayBenchFlag && !suites.includes('bench')) throw new UsageError(`--${strayBenchFlag} applies to benchmarks; add --suite bench`);
  const bench = suites.includes('bench') ? buildBenchPlan(benchFlags) : undefined;
  if (bench?.shard && (targets.length > 1 || suites.length > 1)) {
    throw new UsageError(`--shard runs one slice of one target's benchmarks; give one --target (got ${targets.length}) and --suite bench alone (got ${suites.join(',')})`);
  }
  const fuzzFlags = { 'fuzz-budget': v['fuzz-budget'], 'fuzz-seed': v['fuzz-seed'], 'fuzz-iterations': v['fuzz-iterations'] };
  const strayFuzzFlag = Object.entries(fuzzFlags).find(([, value]) => value !== undefined)?.[0];
  if (strayFuzzFlag && !suites.includes('fuzz')) throw new UsageError(`--${strayFuzzFlag} applies to the fuzz suite; add --suite fuzz`);
  const fuzz = suites.includes('fuzz') ? buildFuzzPlan(fuzzFlags) : undefined;

  return {
    ...(bench ? { bench } : {}),
    ...(fuzz ? { fuzz } : {}),
    targets,
    suites,
    protocols,
    reportDir: path.resolve(v['report-dir'] ?? 'reports'),
    filters: flags.positionals,
    ...(list(v.key) ? { keys: list(v.key)! } : {}),
    strict: v.strict ?? false,
    ...(v.fault !== undefined ? { fault: oneOf('fault', v.fault, FAULT_NAMES) } : {}),
    ...(v.misconfig !== undefined ? { misconfiguration: misconfiguration(v.misconfig, targets) } : {}),
    ...(v.expectations !== undefined ? { expectations: expectationsSource(v.expectations, targets.map((t) => t.name)) } : {}),
    ...(fixtures ? { suitesDir: fixtures.suitesDir } : {}),
    ...(v['strict-expectations'] ? { strictExpectations: true } : {}),
  };
}
