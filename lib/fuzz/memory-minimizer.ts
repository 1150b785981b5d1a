// A memory finding's reproducer: one session whose packets, replayed REPLAYS times on new
// connections, still grow the broker's RSS by at least half the rate the fuzz run saw per session.
// ddmin over the session's packets (not its bytes: each test costs REPLAYS connections). Needs the
// broker watch (local driver); no restart, since only growth between before and after counts.
import type { FuzzOptions } from './fuzz-engine.ts';
import type { Reproducer } from './fuzz-reproducer.ts';
import { ddmin } from './delta-debugging.ts';
import { inParallel } from './liveness-minimizer.ts';
import type { PacketModel } from './packet-model.ts';
import type { Session } from './session-grammar.ts';
import { playPackets, sessionWrites } from './session-runner.ts';

const REPLAYS = 100;

/**
 * The RSS once it stops falling (two readings 500 ms apart, the second not lower; at most 5 s): a
 * broker still giving back memory from earlier load would otherwise make any replay look like it grew.
 */
async function settledRssKb(read: () => number | undefined): Promise<number> {
  let last = read() ?? 0;
  for (const t0 = Date.now(); Date.now() - t0 < 5000; ) {
    await new Promise((r) => setTimeout(r, 500));
    const now = read() ?? 0;
    if (now >= last) return now;
    last = now;
  }
  return last;
}

export async function minimizeMemory(o: FuzzOptions, session: Session | undefined, perSessionKb: number, concurrency: number): Promise<Reproducer> {
  const reproducer = (packets: readonly PacketModel[], minimized: boolean, tests: number): Reproducer => {
    const writes = session ? sessionWrites({ protocol: session.protocol, packets: [...packets] }) : [];
    return { writes, responses: [], notes: packets.flatMap((p) => p.notes), bytes: writes.reduce((n, w) => n + w.length, 0), minimized, minimizerTests: tests, protocol: session?.protocol ?? '3.1.1', repeat: REPLAYS };
  };
  const watch = o.watch;
  if (!session || !watch) return reproducer(session?.packets ?? [], false, 0);
  const thresholdKb = (perSessionKb / 2) * REPLAYS;
  let tests = 0;
  const grows = async (packets: PacketModel[]): Promise<boolean> => {
    tests++;
    const before = await settledRssKb(watch.rssKb);
    const writes = sessionWrites({ protocol: session.protocol, packets }).map((w) => [w]);
    await inParallel(Array.from({ length: REPLAYS }, (_, i) => i), concurrency, () => playPackets(o.endpoint, writes, o.answerMs ?? 500, session.protocol, true).catch(() => undefined));
    return (await settledRssKb(watch.rssKb)) - before >= thresholdKb;
  };
  if (!(await grows(session.packets))) return reproducer(session.packets, false, tests);
  const limits = { maxTests: o.minimizeMaxTests ?? 400, deadline: Date.now() + (o.minimizeBudgetMs ?? 20_000) };
  const r = await ddmin(session.packets, grows, limits);
  return reproducer(r.result, r.complete, tests);
}
