// The smallest input that still takes the broker down: ddmin over the sessions the last passing
// canary does not vouch for (replayed in parallel, as they ran), then over the packets of what is
// left, then over its bytes (played as one write, if that still fails). Every replay starts from a
// restarted broker and is judged by the canary alone. Without a restart hook the suspects are
// reported as they were, unminimized.
import type { ProtocolVersion } from '../core/broker.ts';
import { ddmin } from './delta-debugging.ts';
import { canary } from './fuzz-oracle.ts';
import type { FuzzOptions } from './fuzz-engine.ts';
import type { Reproducer } from './fuzz-reproducer.ts';
import type { PacketModel } from './packet-model.ts';
import type { Session } from './session-grammar.ts';
import { playPackets, playWrites, sessionWrites } from './session-runner.ts';

const bytesOf = (writes: Buffer[]) => writes.reduce((n, w) => n + w.length, 0);

/** Runs `fn` over `items` with at most `limit` at a time. */
export async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

export async function minimizeLiveness(o: FuzzOptions, suspects: readonly Session[], answerMs: number, canaryMs: number, concurrency: number): Promise<Reproducer> {
  const asIs = (): Reproducer => {
    const writes = suspects.flatMap(sessionWrites);
    return { writes, responses: [], notes: suspects.flatMap((s) => s.packets.flatMap((p) => p.notes)), bytes: bytesOf(writes), minimized: false, minimizerTests: 0, protocol: suspects[0]?.protocol ?? '3.1.1' };
  };
  if (!o.restart || !suspects.length) return asIs();
  const restart = o.restart;
  let tests = 0;
  let canaryN = 0;
  const brokenAfter = async (play: () => Promise<unknown>): Promise<boolean> => {
    tests++;
    await restart();
    await play();
    const c = await canary(o.endpoint, o.isAlive, canaryMs, `fz-min-${o.seed}-${canaryN++}`);
    return !c.ok;
  };
  const halfClosed = (packets: readonly PacketModel[], protocol: ProtocolVersion) =>
    playPackets(o.endpoint, sessionWrites({ protocol, packets: [...packets] }).map((w) => [w]), answerMs, protocol, true).catch(() => undefined);
  const limits = { maxTests: o.minimizeMaxTests ?? 400, deadline: Date.now() + (o.minimizeBudgetMs ?? 20_000) };
  // 1. the sessions: usually one of them alone
  const tripsSessions = (c: Session[]) => brokenAfter(() => inParallel(c, concurrency, (s) => halfClosed(s.packets, s.protocol)));
  if (!(await tripsSessions([...suspects]))) { await restart(); return asIs(); }
  const sessions = await ddmin(suspects, tripsSessions, limits);
  if (sessions.result.length !== 1) {
    await restart();
    const writes = sessions.result.flatMap(sessionWrites);
    return { ...asIs(), writes, bytes: bytesOf(writes), notes: sessions.result.flatMap((s) => s.packets.flatMap((p) => p.notes)), minimizerTests: tests };
  }
  // 2. its packets, 3. its bytes as one write
  const culprit = sessions.result[0]!;
  const packets = await ddmin(culprit.packets, (c) => brokenAfter(() => halfClosed(c, culprit.protocol)), limits);
  let writes = sessionWrites({ protocol: culprit.protocol, packets: packets.result });
  let complete = sessions.complete && packets.complete;
  const joined = Buffer.concat(writes);
  const tripsBytes = (b: number[]) => brokenAfter(() => playWrites(o.endpoint, [Buffer.from(b)], answerMs, true, culprit.protocol).catch(() => undefined));
  if (await tripsBytes([...joined])) {
    const bytes = await ddmin([...joined], tripsBytes, limits);
    writes = [Buffer.from(bytes.result)];
    complete &&= bytes.complete;
  }
  // One more replay records what the broker answered before failing; then leave it running.
  await restart();
  const outcome = await playWrites(o.endpoint, writes, answerMs, false, culprit.protocol).catch(() => undefined);
  await restart();
  return {
    writes, responses: outcome?.frames ?? [], notes: packets.result.flatMap((p) => p.notes), bytes: bytesOf(writes),
    minimized: complete && Date.now() < limits.deadline, minimizerTests: tests, protocol: culprit.protocol,
  };
}
