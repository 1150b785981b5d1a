// The one place that knows the order of things: for each target, prepare → start → run suites →
// stop → judge; then write results atomically and render the outputs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { RunPlan, TargetPlan } from './run-plan.ts';
import { findTarget } from '../targets/registry.ts';
import type { DriverName, ListenerInfo, ProtocolVersion, StartedBroker, TargetDescriptor } from '../core/broker.ts';
import { PROTOCOL_VERSIONS, targetLabel } from '../core/broker.ts';
import { resolveDriver } from '../drivers/resolve-driver.ts';
import { imageExists } from '../drivers/container-driver.ts';
import { versionOffers } from '../targets/target-versions.ts';
import { externalBroker, loadProfile } from '../drivers/external-driver.ts';
import { assertReachable } from '../drivers/reachability.ts';
import { runSuites } from './vitest-runner.ts';
import { onCleanup } from './cleanup.ts';
import { EXIT, HarnessError, UsageError } from '../core/errors.ts';
import { assertWritableReportDir } from './report-dir.ts';
import { ROOT } from '../core/paths.ts';
import type { HarnessContext } from '../core/harness-context.ts';
import { describeEntry, expectationsFor, expectationsInRange, judgeExpectations } from '../results/expectations.ts';
import { RESULTS_SCHEMA_VERSION, type ResultsDocument, type RunRecord, type TargetRecord, type TestResult } from '../results/types.ts';
import { updateLatest, writeFileAtomic } from '../results/write-results.ts';
import { brokerPkiPaths, generatePkiSet, type PkiSet } from '../pki/pki-set.ts';
import { deriveFindings } from '../results/findings.ts';
import { contradictionFindings } from '../results/capability-findings.ts';
import { probeCapabilities } from '../conformance/capability-probe.ts';
import { reconcileCapabilities, type Reconciled } from '../conformance/announced-capabilities.ts';
import { computeCoverage } from '../results/coverage.ts';
import { wrapWithFault } from '../faults/wrap-listener.ts';
import { judgeBenchmarks, runBenchSuite } from '../load/bench-suite.ts';
import type { BenchmarkResult } from '../results/types.ts';
import { PARTIAL_FORMAT, PARTIAL_VERSION, type ScenarioPartial } from '../load/shard-merge.ts';
import { writePartial } from '../load/shard-partial.ts';
import { compareDifferential, readDifferentialFiles } from '../fuzz/fuzz-differential.ts';

/**
 * How a finished run becomes files and terminal output. lib/report supplies it (run sits below
 * report, so it is handed in): renderers are pure functions of the results document.
 */
export interface RunOutputs {
  /** Writes derived files (junit.xml, index.html) into the run directory before it becomes visible;
   *  returns the HTML report's path when one was written. */
  writeArtifacts(runDir: string, doc: ResultsDocument): Promise<string | undefined>;
  /** Prints the summary once the run directory is complete. */
  printSummary(doc: ResultsDocument, runDir: string, reportFile: string | undefined): void;
}

export interface RunOutcome {
  exitCode: number;
  runDir: string;
  doc: ResultsDocument;
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/** The machine a run (or a shard of one) ran on. */
export function machineRecord(): RunRecord['machine'] {
  return { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryBytes: os.totalmem(), os: `${os.type()} ${os.release()} ${os.arch()}`, node: process.version };
}

export function harnessVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

const progress = (line: string) => process.stderr.write(`${line}\n`);

function logTail(file: string | undefined, lines = 25): string | undefined {
  if (!file || !fs.existsSync(file)) return undefined;
  const text = fs.readFileSync(file, 'utf8').trimEnd();
  return text ? text.split('\n').slice(-lines).join('\n') : undefined;
}

interface TargetRun {
  record: TargetRecord;
  tests: TestResult[];
  rigError?: boolean;
  benchmarks?: BenchmarkResult[];
  /** Set when vitest ran: how many tests the name filter selected, and whether this target
   *  registered every requested protocol (then no other target can select more by name). */
  selection?: { selected: number; everyProtocol: boolean };
}

/** A target plan after pre-flight: an external profile, or the descriptor and the driver to start it with. */
type ResolvedPlan = TargetPlan & (
  | { driver: 'external' }
  | { driver: Exclude<DriverName, 'external'>; descriptor: TargetDescriptor }
);

/** Pre-flight: every target's descriptor is looked up once and its driver chosen (binary found, engine
 * answering) before anything starts. */
async function resolveAll(plan: RunPlan): Promise<ResolvedPlan[]> {
  const out: ResolvedPlan[] = [];
  for (const t of plan.targets) {
    if (t.driver === 'external') {
      const profile = t.profile ?? loadProfile(t.profileFile!);
      const broker = externalBroker(profile);
      await assertReachable({ name: profile.name, listeners: { ...broker.listeners, ...broker.extraListeners } as Record<string, ListenerInfo>, ...(profile.material?.client ? { client: profile.material.client } : {}) });
      out.push({ ...t, profile, driver: 'external' });
      continue;
    }
    const descriptor = findTarget(t.name);
    // buildRunPlan has validated every name; a miss here is a harness bug, not bad input.
    if (!descriptor) throw new Error(`target ${t.name} is not in the registry`);
    const driver = await resolveDriver(descriptor, t.driver, t.image);
    // A versioned target's image is built here from a recipe, never pulled: say how to build it.
    if (t.version && driver === 'container' && t.image && !(await imageExists(t.image))) {
      const offer = versionOffers(descriptor).find((o) => o.version === t.version);
      throw new HarnessError(`${targetLabel(t.name, t.version)}: image ${t.image} is not built; build it with ${offer?.build ?? 'its recipe'} (root, debootstrap, podman) and run again`);
    }
    out.push({ ...t, descriptor, driver });
  }
  return out;
}

async function startTarget(plan: ResolvedPlan, runPlan: RunPlan, runId: string, workDir: string, logDir: string, pki: PkiSet): Promise<StartedBroker> {
  if (plan.driver === 'external') return externalBroker(plan.profile ?? loadProfile(plan.profileFile!));
  const { descriptor, driver } = plan;
  const support = descriptor.drivers[driver]!;
  const label = targetLabel(plan.name, plan.version);
  const logFile = path.join(logDir, `${label}-${driver}.log`);
  progress(`▶ starting ${label} (${driver}${driver === 'container' ? `, ${plan.image ?? descriptor.defaultImage}` : ''})`);
  const t0 = Date.now();
  const broker = await support.start({
    target: descriptor.name,
    runId,
    image: plan.image,
    misconfiguration: runPlan.misconfiguration,
    assets: { workDir, logFile, pki: brokerPkiPaths(pki) },
  });
  progress(`  ${label} ${broker.brokerVersion} ready in ${Date.now() - t0} ms${broker.pid && broker.pid !== process.pid ? ` (pid ${broker.pid})` : ''}: ` +
    Object.values(broker.listeners).map((l) => `${l.name} ${l.url}`).join(', '));
  return broker;
}

function toRecord(b: StartedBroker, plan: TargetPlan): TargetRecord {
  return {
    name: b.target,
    ...(plan.version ? { version: plan.version } : {}),
    label: targetLabel(b.target, plan.version),
    driver: b.driver,
    brokerVersion: b.brokerVersion,
    ...(b.image ? { image: b.image } : {}),
    listeners: Object.fromEntries(Object.values(b.listeners).map((l) => [l.name, l.url])),
    missingListeners: b.missingListeners,
    capabilities: b.capabilities,
    ...(b.logFile ? { logFile: b.logFile } : {}),
  };
}

/** Failures after the broker died are the rig's verdict, not the test's: mark them `error` with the log. */
function judge(tests: TestResult[], broker: StartedBroker): TestResult[] {
  const dead = !broker.isAlive();
  const tail = logTail(broker.logFile);
  return tests.map((t) => {
    if (t.status !== 'failed' && t.status !== 'error') return t;
    const status = dead ? 'error' : t.status;
    const reason = dead ? `broker stopped during the run: ${t.detail?.reason ?? ''}` : t.detail?.reason;
    return { ...t, status, detail: { ...t.detail, ...(reason ? { reason } : {}), ...(tail ? { brokerLog: tail } : {}) } };
  });
}

async function runTarget(plan: ResolvedPlan, runPlan: RunPlan, runId: string, tempRoot: string, runDir: string, pki: PkiSet): Promise<TargetRun> {
  const label = targetLabel(plan.name, plan.version);
  const workDir = fs.mkdtempSync(path.join(tempRoot, `${label}-`));
  const logDir = path.join(runDir, 'logs');
  fs.mkdirSync(logDir, { recursive: true });
  let broker: StartedBroker;
  try {
    broker = await startTarget(plan, runPlan, runId, workDir, logDir, pki);
  } catch (e) {
    if (!(e instanceof HarnessError)) throw e;
    progress(`✖ ${e.message}`);
    return {
      record: { name: plan.name, ...(plan.version ? { version: plan.version } : {}), label, driver: plan.driver, brokerVersion: 'unknown', listeners: {}, startError: e.message },
      tests: [],
      rigError: true,
    };
  }
  const forget = onCleanup(`${label} broker`, () => broker.stop());
  let faultProxy: { close(): Promise<void> } | undefined;
  try {
    const protocols: ProtocolVersion[] = broker.capabilities.protocols.filter((p) => !runPlan.protocols || runPlan.protocols.includes(p));
    // The bench suite is run by the load engine below, not by vitest.
    const vitestSuites = runPlan.suites.filter((s) => s !== 'bench');
    // Ask the broker what it supports before the suites (and before any fault proxy) run: tests are
    // not-applicable for a capability only when the broker itself declines it.
    const probed = vitestSuites.length ? await announcedBy(broker, protocols) : undefined;
    const capabilities = probed?.reconciled.effective ?? broker.capabilities;
    const context: HarnessContext = {
      runId,
      target: {
        name: broker.target,
        driver: broker.driver,
        brokerVersion: broker.brokerVersion,
        capabilities,
        listeners: broker.listeners,
        missingListeners: broker.missingListeners,
        ...(broker.extraListeners ? { extraListeners: broker.extraListeners } : {}),
        ...(broker.pid !== undefined ? { pid: broker.pid } : {}),
        ...(broker.logFile ? { logFile: broker.logFile } : {}),
      },
      // External brokers get the PKI for client-side material the harness makes (foreign CA,
      // self-signed); their trust anchors and identities come from the profile (external).
      pki,
      ...(plan.driver === 'external' && plan.profile?.material ? { external: plan.profile.material } : {}),
      protocols,
      requestedProtocols: runPlan.protocols ?? [...PROTOCOL_VERSIONS],
      strict: runPlan.strict,
      ...(runPlan.keys ? { keys: runPlan.keys } : {}),
      ...(runPlan.fuzz ? { fuzz: { ...runPlan.fuzz, outDir: path.join(runDir, 'fuzz'), ...(differential(runPlan) ? { differentialFile: differentialFile(runDir, label) } : {}) } } : {}),
    };
    if (runPlan.fault) {
      faultProxy = await wrapWithFault(context, runPlan.fault);
      progress(`  fault "${runPlan.fault}" injected: plain listener now ${context.target.listeners.plain?.url}`);
    }
    if (!protocols.length) {
      progress(`  ${broker.target} supports MQTT ${broker.capabilities.protocols.join(', ')}; none of --protocol ${runPlan.protocols?.join(',')} — nothing to run`);
    }
    // Only entries whose version range holds the broker's reported version are consulted at all
    // (live progress here; the verdict below applies the same range).
    const expectations = expectationsInRange(expectationsFor(ROOT, broker.target, runPlan.expectations), broker.brokerVersion);
    const suitesRun = vitestSuites.length
      ? await runSuites({ context, suites: vitestSuites, filters: runPlan.filters, expectations, ...(runPlan.suitesDir ? { suitesDir: runPlan.suitesDir } : {}) })
      : undefined;
    // Results name the target by its label, so two versions of one broker in one run stay apart.
    const tests = (suitesRun?.tests ?? []).map((t) => (t.target === label ? t : { ...t, target: label }));
    for (const u of suitesRun?.unhandled ?? []) progress(`  unhandled error during the run: ${u}`);
    if (suitesRun?.rigBroken) progress(`✖ ${broker.target}: ${suitesRun.rigBroken}`);
    const partials: ScenarioPartial[] = [];
    const benchmarks = runPlan.bench ? (await runBenchSuite(broker, runPlan.bench, runId, progress, (p) => partials.push(p))).map((b) => ({ ...b, target: label })) : undefined;
    const shard = runPlan.bench?.shard;
    if (shard) {
      const file = writePartial(shard.outDir, {
        format: PARTIAL_FORMAT, version: PARTIAL_VERSION, shard: { index: shard.index, count: shard.count },
        startAt: new Date(shard.startAtMs).toISOString(), runId, harnessVersion: harnessVersion(), host: os.hostname(), machine: machineRecord(),
        target: toRecord(broker, plan), scenarios: partials,
      });
      progress(`  shard ${shard.index}/${shard.count}: partial result ${file}`);
    }
    const verdict = judgeExpectations(judge(tests, broker), expectationsFor(ROOT, broker.target, runPlan.expectations), broker.brokerVersion);
    const judged = verdict.tests;
    const unmatched = verdict.unmatched.map(describeEntry);
    const stale = verdict.stale.map(describeEntry);
    return {
      record: { ...toRecord(broker, plan), ...(unmatched.length ? { unmatchedExpectations: unmatched } : {}), ...(stale.length ? { staleExpectations: stale } : {}), ...(probed ? probeRecord(probed) : {}) },
      tests: judged,
      ...(benchmarks ? { benchmarks } : {}),
      ...(suitesRun?.rigBroken ? { rigError: true } : {}),
      ...(suitesRun ? { selection: { selected: suitesRun.selected, everyProtocol: (context.requestedProtocols ?? []).every((p) => protocols.includes(p)) } } : {}),
    };
  } finally {
    await faultProxy?.close();
    await broker.stop();
    forget();
  }
}

interface Probed { reconciled: Reconciled; announced: Awaited<ReturnType<typeof probeCapabilities>> }

async function announcedBy(broker: StartedBroker, protocols: ProtocolVersion[]): Promise<Probed> {
  const announced = await probeCapabilities(broker.listeners.plain, protocols);
  const reconciled = reconcileCapabilities(broker.capabilities, announced.announced);
  for (const c of reconciled.contradictions) {
    progress(`  capability ${c.capability}: ${broker.driver === 'external' ? 'the profile' : 'the descriptor'} says ${c.declared}, the broker ${c.direction === 'broker-declines' ? 'declines' : 'offers'} it (${c.evidence})`);
  }
  for (const p of announced.problems) progress(`  capability probe: ${p} (the descriptor's word stands)`);
  return { reconciled, announced };
}

function probeRecord(p: Probed): Partial<TargetRecord> {
  return {
    announcedCapabilities: Object.fromEntries(Object.entries(p.announced.announced).map(([k, a]) => [k, { value: a.value, evidence: a.evidence, protocol: a.protocol }])),
    ...(p.reconciled.contradictions.length ? { capabilityContradictions: p.reconciled.contradictions } : {}),
    ...(p.announced.problems.length ? { capabilityProbeProblems: p.announced.problems } : {}),
    capabilities: p.reconciled.effective,
  };
}

/** Several targets with the fuzz suite: the same seeded, unguided inputs go to each (docs/fuzz.md). */
const differential = (plan: RunPlan) => Boolean(plan.fuzz) && plan.targets.length > 1;
const differentialFile = (runDir: string, label: string) => path.join(runDir, 'fuzz', `${label}.json`);

export function exitCodeFor(runs: TargetRun[], options: { strictExpectations?: boolean } = {}): number {
  if (runs.some((r) => r.rigError)) return EXIT.badInputOrRig;
  if (runs.some((r) => r.tests.some((t) => t.status === 'failed' || t.status === 'error'))) return EXIT.conformanceFailures;
  // --strict-expectations: an entry whose test passes claims a deviation that is not there.
  if (options.strictExpectations && runs.some((r) => r.record.staleExpectations?.length)) return EXIT.conformanceFailures;
  return EXIT.ok;
}

/**
 * A name filter that selected no test in any target that ran the suites (a typo, most often): the
 * run proved nothing, so it is bad input, not a pass. Judged from the suite runs themselves rather
 * than by collecting every suite up front (~15 s), so a normal filtered run stays as fast as before.
 */
function nothingMatched(plan: RunPlan, runs: readonly TargetRun[]): boolean {
  if ((!plan.filters.length && !plan.keys) || runs.some((r) => r.rigError)) return false;
  const ran = runs.filter((r) => r.selection);
  return ran.length > 0 && ran.every((r) => r.selection!.selected === 0);
}

export class NoTestMatchesError extends UsageError {
  constructor(readonly filters: readonly string[], readonly suites: readonly string[]) {
    super(`no test matches ${filters.map((f) => `"${f}"`).join(' or ')} in suites ${suites.join(', ')}; ` +
      'a filter is a case-insensitive part of a test name (see index.html or results.json of a full run), or drop it to run every test');
  }
}

export async function executeRun(plan: RunPlan, argv: string[], outputs: RunOutputs): Promise<RunOutcome> {
  const startedAt = new Date();
  // Pre-flight, before anything starts: a run whose results cannot be written is not started.
  assertWritableReportDir(plan.reportDir);
  if (plan.bench?.shard) assertWritableReportDir(plan.bench.shard.outDir, '--out');
  const resolved = await resolveAll(plan);
  const runId = newRunId(startedAt);
  const runDir = path.join(plan.reportDir, runId);
  const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), `mqtt-harness-${runId}-`));
  const forgetTemp = onCleanup('temp directory', () => fs.rmSync(tempRoot, { recursive: true, force: true }));
  // The run directory only becomes visible complete: on interruption it is removed, and so is the
  // report directory if this run created it and left it empty.
  const createdReportDir = !fs.existsSync(plan.reportDir);
  const removeRunDir = () => {
    fs.rmSync(runDir, { recursive: true, force: true });
    if (!createdReportDir) return;
    try {
      fs.rmdirSync(plan.reportDir);
    } catch {
      // not empty: another run wrote into it meanwhile; its results stay
    }
  };
  const forgetRunDir = onCleanup('incomplete run directory', removeRunDir);
  fs.mkdirSync(runDir, { recursive: true });
  progress(`run ${runId}: ${plan.targets.map((t) => targetLabel(t.name, t.version)).join(', ')} × ${plan.suites.join(', ')}`);
  const runs: TargetRun[] = [];
  try {
    // One certificate set per run, shared by every target and suite.
    const pki = await generatePkiSet(path.join(tempRoot, 'pki'));
    progress(`PKI generated in ${pki.generatedInMs} ms`);
    for (const target of resolved) {
      const run = await runTarget(target, plan, runId, tempRoot, runDir, pki);
      runs.push(run);
      // A target that registered every requested protocol and selected nothing: no later target can
      // select more by name, so stop before starting its broker.
      if (run.selection?.selected === 0 && run.selection.everyProtocol && nothingMatched(plan, runs)) break;
    }
  } finally {
    fs.rmSync(tempRoot, { recursive: true, force: true });
    forgetTemp();
  }
  if (nothingMatched(plan, runs)) {
    removeRunDir();
    forgetRunDir();
    throw new NoTestMatchesError([...plan.filters, ...(plan.keys ?? []).map((k) => `key ${k}`)], plan.suites.filter((s) => s !== 'bench'));
  }
  const bench = plan.bench ? judgeBenchmarks(runs.flatMap((r) => r.benchmarks ?? []), plan.bench) : undefined;
  let exitCode = exitCodeFor(runs, { strictExpectations: plan.strictExpectations });
  if (exitCode === EXIT.ok && bench?.results.some((r) => r.error)) exitCode = EXIT.badInputOrRig;
  if (exitCode === EXIT.ok && bench?.breached) exitCode = EXIT.thresholds;
  const doc: ResultsDocument = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    run: {
      id: runId,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      harnessVersion: harnessVersion(),
      command: argv,
      exitCode,
      machine: machineRecord(),
    },
    targets: runs.map((r) => r.record),
    tests: runs.flatMap((r) => r.tests),
    ...(bench ? { benchmarks: bench.results } : {}),
  };
  if (differential(plan)) {
    const compared = compareDifferential(readDifferentialFiles(runs.map((r) => differentialFile(runDir, r.record.label ?? r.record.name))));
    if (compared.length) doc.fuzzDifferential = compared;
  }
  const findings = [...deriveFindings(doc.tests, doc.targets), ...contradictionFindings(doc.targets)];
  if (findings.length) doc.findings = findings;
  // Coverage is a statement about the conformance suite; other suites alone would show a misleading figure.
  const coverage = plan.suites.includes('conformance') ? computeCoverage(ROOT, doc.tests) : [];
  if (coverage.length) doc.coverage = coverage;
  writeFileAtomic(path.join(runDir, 'results.json'), JSON.stringify(doc, null, 2) + '\n');
  const reportFile = await outputs.writeArtifacts(runDir, doc);
  forgetRunDir();
  updateLatest(plan.reportDir, runDir);
  outputs.printSummary(doc, runDir, reportFile);
  return { exitCode, runDir, doc };
}
