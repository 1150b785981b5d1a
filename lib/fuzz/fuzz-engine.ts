// The fuzz loop, as named steps: pick an input (a new session from the grammar, or a mutation of a
// corpus entry that once drew a new response kind), play it, judge the response, check the canary
// after every batch; on a finding, minimize it and write it as a vector file. Sessions run in
// parallel on their own connections (`concurrency`); input-schedule.ts keeps the inputs the same for
// the same seed. Bounded by iterations and time; stops at the first liveness finding (the broker is
// down, nothing after it means anything). In differential mode the schedule is unguided and every
// input's answer is kept for the comparison across targets (fuzz-differential.ts).
import type { ProtocolVersion } from '../core/broker.ts';
import type { DifferentialAnswer, FuzzRunCounts } from '../core/fuzz-record.ts';
import { InputSchedule } from './input-schedule.ts';
import type { Session } from './session-grammar.ts';
import { playSession, playWrites, responseKind, sessionWrites, type Endpoint, type SessionOutcome } from './session-runner.ts';
import { canary, forbiddenResponse, type BrokerWatch } from './fuzz-oracle.ts';
import { minimizeLiveness } from './liveness-minimizer.ts';
import { minimizeMemory } from './memory-minimizer.ts';
import { withoutCredentials, writeReproducers, type ReproducedFinding, type Reproducer } from './fuzz-reproducer.ts';
import { packetBytes } from './packet-model.ts';
import { differentialAnswer } from './fuzz-differential.ts';
import { firstPacketAsRead } from './connect-validity.ts';
import { discardSession, keptSessionClientId } from './session-cleanup.ts';

export interface FuzzOptions {
  endpoint: Endpoint;
  /** StartedBroker.isAlive() where the caller has it (embedded aedes: the in-process broker). */
  isAlive: () => boolean;
  /** Broker memory and exit watch (local driver: /proc/<pid>); see fuzz-oracle.ts. */
  watch?: BrokerWatch;
  seed: number;
  budgetMs: number;
  /** Cap on fuzzed packets generated (iterations), counted in input order. */
  maxIterations: number;
  /** Protocol versions sessions are drawn from (default 3.1.1). */
  protocols?: readonly ProtocolVersion[];
  /** Sessions in flight at once (default 32). */
  concurrency?: number;
  /** Sessions between canary checks (default 256); a session the broker left unanswered checks at once. */
  batchSize?: number;
  /** A mutation picks its parent among inputs at least this many indices back (default 512). */
  lag?: number;
  /** Bound for a session's final PINGRESP (default 500 ms). */
  answerMs?: number;
  /** Bound for the whole canary round trip (default 5000 ms). */
  canaryTimeoutMs?: number;
  /** Broker RSS growth over the run (first canary to any later one) that is a finding (default 256 MB)
   * when it stays after the load stops (rssSettleMs). */
  rssGrowthLimitKb?: number;
  /** How long the fuzzing pauses for the RSS to fall back under the bound before the growth is a
   * finding (default 60 s): a broker may hold memory under load that it frees afterwards. */
  rssSettleMs?: number;
  /** Brings a dead broker back: only then can a liveness finding be replayed and minimized. */
  restart?: () => Promise<void>;
  /** Time for minimizing one finding (default 20 s) and its replay cap (default 400). */
  minimizeBudgetMs?: number;
  minimizeMaxTests?: number;
  /** Differential mode: the unguided schedule (input i from the seed and i alone) and every input's answer in the report. */
  differential?: boolean;
  /** Where the reproducer vector file goes, and its file stem (`fuzz-<target>-seed<n>`). */
  outDir?: string;
  stem?: string;
}

export interface FuzzFinding extends ReproducedFinding {
  /** Fuzzed packets sent before the input that tripped the oracle. */
  iteration: number;
  /** From the start of the run to the input that tripped the oracle. */
  foundAfterMs: number;
  minimizeMs: number;
}

export interface FuzzReport extends FuzzRunCounts {
  sessionsPerSec: number;
  corpusSize: number;
  findings: FuzzFinding[];
  /** Why the loop ended. */
  stoppedBy: 'budget' | 'iterations' | 'liveness finding' | 'memory finding' | 'slow canary';
  /** A canary that failed while 32 sessions ran but passed once they had stopped: the broker was slow, not down (no finding). */
  slowCanary?: string;
  /** Differential mode: each played input's answer, in input order. */
  answers?: DifferentialAnswer[];
}

const MAX_SPEC_FINDINGS = 5;

interface Played { session: Session; outcome?: SessionOutcome }

export async function runFuzz(o: FuzzOptions): Promise<FuzzReport> {
  const t0 = Date.now();
  const deadline = t0 + o.budgetMs;
  const answerMs = o.answerMs ?? 500;
  const canaryMs = o.canaryTimeoutMs ?? 5000;
  const concurrency = o.concurrency ?? 32;
  const batchSize = o.batchSize ?? 256;
  const protocols = [...(o.protocols ?? ['3.1.1'])];
  const schedule = new InputSchedule(o.seed, o.lag ?? 512, protocols, (i) => `fz-${o.seed}-${i}`, o.endpoint.credentials, !o.differential);
  const answers: DifferentialAnswer[] | undefined = o.differential ? [] : undefined;
  const findings: FuzzFinding[] = [];
  const confirming: Promise<void>[] = [];
  const played = new Map<number, Played | null>();
  /** Sessions the last passing canary does not vouch for: the suspects of a liveness finding. */
  let suspects: { index: number; session: Session }[] = [];
  let next = 0;
  let folded = 0;
  let iterations = 0;
  let sessions = 0;
  let keptSessionsDiscarded = 0;
  let sinceCanary = 0;
  let canaryChecks = 0;
  let canaryRunning: Promise<void> | undefined;
  /** What ended the run early: the broker stopped serving, or its memory grew past the bound. */
  let liveness: { kind: 'liveness' | 'memory'; problem: string; atMs: number; iteration: number; perSessionKb?: number } | undefined;
  const rssLimitKb = o.rssGrowthLimitKb ?? 256 * 1024;
  const rssSettleMs = o.rssSettleMs ?? 60_000;
  /** Set while the fuzzing pauses for the broker's RSS to settle; workers wait on it. */
  let paused: Promise<void> | undefined;
  const rssSettled = { times: 0, longestMs: 0, peakGrowthKb: 0 };
  let stoppedBy: FuzzReport['stoppedBy'] = 'budget';
  const rss: number[] = [];
  let waiters: { until: number; wake: () => void }[] = [];
  const stopped = () => liveness !== undefined || stoppedBy === 'iterations' || Date.now() >= deadline;

  // The canary, after a batch or after an unanswered session; it runs beside the fuzzing sessions.
  const checkCanary = async (): Promise<void> => {
    const vouchesBefore = folded;
    canaryChecks++;
    const c = await canary(o.endpoint, o.isAlive, canaryMs, `fz-canary-${o.seed}-${canaryChecks}`, o.watch);
    if (c.rssKb !== undefined) rss.push(c.rssKb);
    let growthKb = c.rssKb !== undefined ? c.rssKb - rss[0]! : 0;
    if (c.ok && growthKb > rssLimitKb && !liveness) {
      // Over the bound under load: pause the fuzzing; memory the broker gives back is not a leak.
      const s = await settleRss(growthKb);
      if (s.settled) {
        rssSettled.times++;
        rssSettled.longestMs = Math.max(rssSettled.longestMs, s.ms);
        rssSettled.peakGrowthKb = Math.max(rssSettled.peakGrowthKb, growthKb);
      }
      growthKb = s.growthKb;
    }
    if (c.ok && growthKb <= rssLimitKb) suspects = suspects.filter((s) => s.index >= vouchesBefore);
    else if (!liveness) {
      liveness = c.ok
        ? { kind: 'memory', problem: `broker RSS grew by ${Math.round(growthKb / 1024)} MB (${rss[0]} → ${rss[0]! + growthKb} kB) over ${sessions} sessions, more than the ${Math.round(rssLimitKb / 1024)} MB bound, and stayed there ${Math.round(rssSettleMs / 1000)} s after the fuzzing paused`, atMs: Date.now() - t0, iteration: iterations, perSessionKb: growthKb / Math.max(1, sessions) }
        : { kind: 'liveness', problem: c.problem!, atMs: Date.now() - t0, iteration: iterations };
      for (const w of waiters) w.wake();
      waiters = [];
    }
  };
  /** Pauses new sessions and polls the RSS until the growth is back under the bound or rssSettleMs pass. */
  const settleRss = async (growthKb: number): Promise<{ settled: boolean; ms: number; growthKb: number }> => {
    let resume!: () => void;
    paused = new Promise<void>((r) => { resume = r; });
    const s0 = Date.now();
    try {
      while (Date.now() - s0 < rssSettleMs) {
        await new Promise((r) => setTimeout(r, 500));
        const now = o.watch?.rssKb();
        if (now === undefined) break;
        growthKb = now - rss[0]!;
        if (growthKb <= rssLimitKb) return { settled: true, ms: Date.now() - s0, growthKb };
      }
      return { settled: false, ms: Date.now() - s0, growthKb };
    } finally {
      paused = undefined;
      resume();
    }
  };
  const startCanary = () => {
    sinceCanary = 0;
    canaryRunning = checkCanary().finally(() => { canaryRunning = undefined; });
  };

  // Judge the outcomes in index order: guide the schedule, look for forbidden responses, count.
  const fold = () => {
    let due = false;
    while (played.has(folded)) {
      const p = played.get(folded)!;
      played.delete(folded);
      if (p?.outcome) {
        iterations += p.outcome.packetsSent;
        sessions++;
        suspects.push({ index: folded, session: p.session });
        if (!p.outcome.answered) due = true;
        judge(p.session, p.outcome);
      } else if (p) {
        suspects.push({ index: folded, session: p.session });
        due = true; // no connection at all: ask the canary at once
      }
      if (p && answers) answers.push(differentialAnswer(folded, p.session, p.outcome));
      schedule.observe(folded, p?.outcome ? `${p.session.protocol} ${responseKind(p.outcome)}` : undefined);
      folded++;
      if (++sinceCanary >= batchSize) due = true;
    }
    waiters = waiters.filter((w) => (w.until < folded ? (w.wake(), false) : true));
    if (due && !canaryRunning && !liveness) startCanary();
  };
  const judge = (session: Session, outcome: SessionOutcome) => {
    const forbidden = forbiddenResponse(session, outcome);
    if (!forbidden || findings.some((f) => f.statement === forbidden.statement) || findings.length >= MAX_SPEC_FINDINGS) return;
    const foundAfterMs = Date.now() - t0;
    const finding: FuzzFinding = { kind: 'forbidden-response', statement: forbidden.statement, problem: forbidden.problem, iteration: iterations, foundAfterMs, minimizeMs: 0, reproducer: emptyReproducer() };
    findings.push(finding);
    // A delivery needs the whole session (its SUBSCRIBE and PUBLISH); not minimized yet.
    if (!forbidden.connectAlone) {
      const writes = sessionWrites(session);
      finding.reproducer = { writes, responses: [], notes: session.packets.flatMap((p) => p.notes), bytes: writes.reduce((n, w) => n + w.length, 0), minimized: false, minimizerTests: 0, protocol: session.protocol };
      return;
    }
    // The replay runs beside 32 fuzzing sessions: it gets the canary's wider bound.
    confirming.push(connectAlone(o.endpoint, session, canaryMs).then((r) => { finding.reproducer = r; finding.minimizeMs = Date.now() - t0 - foundAfterMs; }));
  };

  // A worker takes the next index, waits until the schedule may generate it, plays it.
  const worker = async () => {
    while (!stopped()) {
      if (paused) { await paused; continue; }
      const i = next++;
      if (i - schedule.lag >= folded) await new Promise<void>((wake) => waiters.push({ until: i - schedule.lag, wake }));
      if (stopped()) { played.set(i, null); fold(); break; }
      const { session, packetsThrough } = schedule.input(i);
      if (packetsThrough > o.maxIterations) { stoppedBy = 'iterations'; played.set(i, null); fold(); for (const w of waiters) w.wake(); break; }
      const outcome = await playSession(o.endpoint, session, answerMs).catch(() => undefined);
      // A session the broker keeps by design is ended before the next input (session-cleanup.ts).
      const kept = outcome && keptSessionClientId(session, outcome);
      if (kept && (await discardSession(o.endpoint, session, kept, canaryMs))) keptSessionsDiscarded++;
      played.set(i, { session, ...(outcome ? { outcome } : {}) });
      fold();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const loopMs = Date.now() - t0;
  await canaryRunning;
  // The budget ran out: the oracle must still hold for the last, partial batch.
  if (!liveness) await checkCanary();
  await Promise.all(confirming);
  // A canary that failed beside the fuzzing sessions is asked again once they have stopped: a broker
  // that was only slow under them (a loaded machine) answers now; one that is down or hung does not.
  let slowCanary: string | undefined;
  if (liveness?.kind === 'liveness' && o.isAlive()) {
    const again = await canary(o.endpoint, o.isAlive, canaryMs, `fz-canary-${o.seed}-confirm`, o.watch);
    if (again.ok) {
      slowCanary = liveness.problem;
      liveness = undefined;
      stoppedBy = 'slow canary';
    }
  }
  if (liveness) {
    const m0 = Date.now();
    const reproducer = liveness.kind === 'memory'
      ? await minimizeMemory(o, suspects[0]?.session, liveness.perSessionKb!, concurrency)
      : await minimizeLiveness(o, suspects.map((s) => s.session), answerMs, canaryMs, concurrency);
    findings.push({ kind: liveness.kind, problem: liveness.problem, iteration: liveness.iteration, foundAfterMs: liveness.atMs, minimizeMs: Date.now() - m0, reproducer });
    stoppedBy = `${liveness.kind} finding`;
  }
  // Results and vector files carry no credentials: the run's own are dropped from every CONNECT.
  for (const f of findings) {
    f.reproducer.writes = f.reproducer.writes.map((w) => withoutCredentials(w, o.endpoint.credentials));
    f.reproducer.bytes = f.reproducer.writes.reduce((n, w) => n + w.length, 0);
  }
  const reproducerFiles = findings.length && o.outDir ? writeReproducers(o.outDir, o.stem ?? `fuzz-seed${o.seed}`, findings, o.endpoint.credentials) : [];
  const perSec = (n: number) => Math.round((n / Math.max(1, loopMs)) * 1000 * 10) / 10;
  return {
    seed: o.seed, protocols, iterations, sessions, keptSessionsDiscarded, elapsedMs: loopMs, iterationsPerSec: perSec(iterations), sessionsPerSec: perSec(sessions), concurrency,
    responseKinds: schedule.responseKinds, corpusSize: schedule.corpusSize, canaryChecks, findings, stoppedBy, ...(slowCanary ? { slowCanary } : {}),
    ...(rss.length ? { rssKb: { first: rss[0]!, last: rss.at(-1)!, max: Math.max(...rss) } } : {}),
    ...(rssSettled.times ? { rssSettled } : {}),
    reproducerFiles, ...(answers ? { answers } : {}),
  };
}

const emptyReproducer = (): Reproducer => ({ writes: [], responses: [], notes: [], bytes: 0, minimized: false, minimizerTests: 0, protocol: '3.1.1' });

/**
 * A forbidden CONNACK answers the CONNECT, so the CONNECT alone should reproduce it: replayed once to
 * make sure (a CONNECT whose Remaining Length swallowed the next packets would not); if it does not,
 * the whole session is the reproducer.
 */
async function connectAlone(at: Endpoint, s: Session, answerMs: number): Promise<Reproducer> {
  // As the broker read it: a Remaining Length that declares more takes the next packet's first bytes in.
  const alone = [firstPacketAsRead(Buffer.concat(sessionWrites(s))) ?? packetBytes(s.packets[0]!)];
  const replay = await playWrites(at, alone, answerMs, false, s.protocol).catch(() => undefined);
  const reproduced = replay?.frames.some((f) => f.type === 2 && f.bytes[3] === 0) ?? false;
  const writes = reproduced ? alone : sessionWrites(s);
  const notes = reproduced ? s.packets[0]!.notes : s.packets.flatMap((p) => p.notes);
  return { writes, responses: [], notes, bytes: writes.reduce((n, w) => n + w.length, 0), minimized: reproduced, minimizerTests: 1, protocol: s.protocol };
}
