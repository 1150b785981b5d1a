// The fuzz loop, as named steps: pick an input (a new session from the grammar, or a mutation of a
// corpus entry that once drew a new response kind), play it, judge the response, check the canary
// after every batch; on a finding, minimize it and write it as a vector file. Bounded by iterations
// and time; stops at the first liveness finding (the broker is down, nothing after it means anything).
import { SeededRandom } from './seeded-random.ts';
import { generateSession, type Session } from './session-grammar.ts';
import { mutateSession } from './session-mutators.ts';
import { playSession, playWrites, responseKind, sessionWrites, type Endpoint } from './session-runner.ts';
import { canary, forbiddenResponse } from './fuzz-oracle.ts';
import { ddmin } from './delta-debugging.ts';
import { writeReproducers, type ReproducedFinding, type Reproducer } from './fuzz-reproducer.ts';
import { packetBytes } from './packet-model.ts';

export interface FuzzOptions {
  endpoint: Endpoint;
  /** StartedBroker.isAlive() where the caller has it (embedded aedes: the in-process broker). */
  isAlive: () => boolean;
  seed: number;
  budgetMs: number;
  maxIterations: number;
  /** Sessions between canary checks (default 8); a session the broker left unanswered checks at once. */
  batchSize?: number;
  /** Bound for a session's final PINGRESP (default 500 ms). */
  answerMs?: number;
  /** Bound for the whole canary round trip (default 2000 ms). */
  canaryTimeoutMs?: number;
  /** Brings a dead broker back: only then can a liveness finding be replayed and minimized. */
  restart?: () => Promise<void>;
  /** Time for minimizing one finding (default 20 s) and its replay cap (default 400). */
  minimizeBudgetMs?: number;
  minimizeMaxTests?: number;
  /** Where the reproducer vector file goes, and its file stem (`fuzz-<target>-seed<n>`). */
  outDir?: string;
  stem?: string;
}

export interface FuzzFinding extends ReproducedFinding {
  iteration: number;
  /** From the start of the run to the input that tripped the oracle. */
  foundAfterMs: number;
  minimizeMs: number;
}

export interface FuzzReport {
  seed: number;
  iterations: number;
  elapsedMs: number;
  iterationsPerSec: number;
  responseKinds: number;
  corpusSize: number;
  canaryChecks: number;
  findings: FuzzFinding[];
  reproducerFile?: string;
  /** Why the loop ended. */
  stoppedBy: 'budget' | 'iterations' | 'liveness finding';
}

const MAX_SPEC_FINDINGS = 5;

export async function runFuzz(o: FuzzOptions): Promise<FuzzReport> {
  const t0 = Date.now();
  const r = new SeededRandom(o.seed);
  const answerMs = o.answerMs ?? 500;
  const canaryMs = o.canaryTimeoutMs ?? 2000;
  const kinds = new Set<string>();
  const corpus: Session[] = [];
  const findings: FuzzFinding[] = [];
  let batch: Session[] = [];
  let iterations = 0;
  let canaryChecks = 0;
  let stoppedBy: FuzzReport['stoppedBy'] = 'budget';
  const clientId = (i: number) => `fz-${o.seed}-${i}`;
  /** The canary after a batch; when it fails, the batch's liveness finding, minimized. */
  const batchHolds = async (): Promise<boolean> => {
    canaryChecks++;
    const c = await canary(o.endpoint, o.isAlive, canaryMs, `fz-canary-${o.seed}-${canaryChecks}`);
    if (c.ok) return true;
    const foundAfterMs = Date.now() - t0;
    const reproducer = await minimizeLiveness(o, batch, answerMs, canaryMs);
    findings.push({ kind: 'liveness', problem: c.problem!, iteration: iterations, foundAfterMs, minimizeMs: Date.now() - t0 - foundAfterMs, reproducer });
    return false;
  };

  while (Date.now() - t0 < o.budgetMs) {
    if (iterations >= o.maxIterations) { stoppedBy = 'iterations'; break; }
    // 1. pick: favour inputs that drew a response kind nothing else drew
    const session = corpus.length && r.chance(0.6) ? mutateSession(r.pick(corpus), r, clientId(iterations)) : generateSession(r, clientId(iterations));
    // 2. play
    const outcome = await playSession(o.endpoint, session, answerMs).catch(() => undefined);
    iterations++;
    batch.push(session);
    // 3. guide
    if (outcome) {
      const kind = responseKind(outcome);
      if (!kinds.has(kind)) { kinds.add(kind); corpus.push(session); }
      // 4. judge the response
      const forbidden = forbiddenResponse(session, outcome);
      if (forbidden && !findings.some((f) => f.statement === forbidden.statement) && findings.length < MAX_SPEC_FINDINGS) {
        const foundAfterMs = Date.now() - t0;
        const reproducer = await connectAlone(o.endpoint, session, answerMs);
        findings.push({ kind: 'forbidden-response', ...forbidden, iteration: iterations, foundAfterMs, minimizeMs: Date.now() - t0 - foundAfterMs, reproducer });
      }
    }
    // 5. the canary, after a batch or at once after an unanswered session
    if (batch.length >= (o.batchSize ?? 8) || !outcome?.answered) {
      if (!(await batchHolds())) { stoppedBy = 'liveness finding'; break; }
      batch = [];
    }
  }
  // The budget ran out: the oracle must still hold for the last, partial batch.
  if (stoppedBy !== 'liveness finding') await batchHolds();
  const elapsedMs = Date.now() - t0;
  const reproducerFile = findings.length && o.outDir ? writeReproducers(o.outDir, o.stem ?? `fuzz-seed${o.seed}`, findings) : undefined;
  return {
    // Per second of fuzzing: the time spent minimizing a finding is not the loop's.
    seed: o.seed, iterations, elapsedMs, iterationsPerSec: Math.round((iterations / Math.max(1, elapsedMs - findings.reduce((n, f) => n + f.minimizeMs, 0))) * 1000 * 10) / 10,
    responseKinds: kinds.size, corpusSize: corpus.length, canaryChecks, findings, stoppedBy, ...(reproducerFile ? { reproducerFile } : {}),
  };
}

/**
 * A forbidden CONNACK answers the CONNECT, so the CONNECT alone should reproduce it: replayed once to
 * make sure (a CONNECT whose Remaining Length swallowed the next packets would not); if it does not,
 * the whole session is the reproducer.
 */
async function connectAlone(at: Endpoint, s: Session, answerMs: number): Promise<Reproducer> {
  const alone = [packetBytes(s.packets[0]!)];
  const replay = await playWrites(at, alone, answerMs).catch(() => undefined);
  const reproduced = replay?.frames.some((f) => f.type === 2 && f.bytes[3] === 0) ?? false;
  const writes = reproduced ? alone : sessionWrites(s);
  const notes = reproduced ? s.packets[0]!.notes : s.packets.flatMap((p) => p.notes);
  return { writes, responses: [], notes, bytes: writes.reduce((n, w) => n + w.length, 0), minimized: reproduced, minimizerTests: 1 };
}

/**
 * The smallest input that still takes the broker down: find the one session of the batch that does
 * it alone, ddmin its packets, then its bytes (played as one write, if that still fails). Every
 * replay starts from a restarted broker. Without a restart hook the batch is reported as it was.
 */
async function minimizeLiveness(o: FuzzOptions, batch: Session[], answerMs: number, canaryMs: number): Promise<Reproducer> {
  const asIs = (): Reproducer => {
    const writes = batch.flatMap(sessionWrites);
    return { writes, responses: [], notes: batch.flatMap((s) => s.packets.flatMap((p) => p.notes)), bytes: writes.reduce((n, w) => n + w.length, 0), minimized: false, minimizerTests: 0 };
  };
  if (!o.restart) return asIs();
  const restart = o.restart;
  let tests = 0;
  let canaryN = 0;
  const trips = async (writes: Buffer[]): Promise<boolean> => {
    tests++;
    await restart();
    await playWrites(o.endpoint, writes, answerMs, true).catch(() => undefined);
    const c = await canary(o.endpoint, o.isAlive, canaryMs, `fz-min-${o.seed}-${canaryN++}`);
    return !c.ok;
  };
  const limits = { maxTests: o.minimizeMaxTests ?? 400, deadline: Date.now() + (o.minimizeBudgetMs ?? 20_000) };
  let culprit: Session | undefined;
  for (const s of [...batch].reverse()) if (await trips(sessionWrites(s))) { culprit = s; break; }
  if (!culprit) { await restart(); return asIs(); }
  const packets = await ddmin(culprit.packets, (c) => trips(c.flatMap((p) => sessionWrites({ packets: [p] }))), limits);
  let writes = packets.result.flatMap((p) => sessionWrites({ packets: [p] }));
  let complete = packets.complete;
  const joined = Buffer.concat(writes);
  if (await trips([joined])) {
    const bytes = await ddmin([...joined], (c) => trips([Buffer.from(c)]), limits);
    writes = [Buffer.from(bytes.result)];
    complete &&= bytes.complete;
  }
  // One more replay records what the broker answered before failing; then leave it running.
  await restart();
  const outcome = await playWrites(o.endpoint, writes, answerMs).catch(() => undefined);
  await restart();
  return {
    writes, responses: outcome?.frames ?? [], notes: packets.result.flatMap((p) => p.notes), bytes: writes.reduce((n, w) => n + w.length, 0),
    minimized: complete && Date.now() < limits.deadline, minimizerTests: tests,
  };
}
