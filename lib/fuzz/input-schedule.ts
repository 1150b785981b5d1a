// Which input the fuzzer plays as its i-th session, deterministically although sessions run in
// parallel: inputs are generated in index order from one seeded generator, and a mutation of input i
// picks its parent only among corpus entries that inputs before i - lag put there. Outcomes are
// folded in index order too, so which inputs join the corpus does not depend on which session
// finished first; the engine generates input i only once every input before i - lag is folded.
import type { ProtocolVersion } from '../core/broker.ts';
import { SeededRandom } from './seeded-random.ts';
import { generateSession, type Credentials, type Session } from './session-grammar.ts';
import { mutateSession } from './session-mutators.ts';

/** Share of inputs that mutate a corpus entry (the rest are fresh from the grammar). */
const MUTATE_SHARE = 0.6;

export class InputSchedule {
  private readonly r: SeededRandom;
  private readonly pending = new Map<number, Session>();
  private generated = 0;
  private packetsGenerated = 0;
  /** Packets generated through each pending index: the iteration cap is counted in input order. */
  private readonly packetsThrough = new Map<number, number>();
  /** Inputs that drew a response kind nothing before them drew, with the index that drew it. */
  private readonly corpus: { from: number; session: Session }[] = [];
  private readonly kinds = new Set<string>();

  /**
   * `guided: false` (differential mode): no corpus; a mutated input mutates a session fresh from the
   * grammar, so input i depends on the seed and i alone, never on what a broker answered.
   */
  constructor(seed: number, readonly lag: number, private readonly protocols: readonly ProtocolVersion[], private readonly clientId: (i: number) => string, private readonly credentials?: Credentials, private readonly guided = true) {
    this.r = new SeededRandom(seed);
  }

  /** Input i (generating every input before it first). Needs every input before i - lag observed. */
  input(i: number): { session: Session; packetsThrough: number } {
    while (this.generated <= i) {
      const j = this.generated++;
      let eligible = this.corpus.length;
      while (eligible > 0 && this.corpus[eligible - 1]!.from >= j - this.lag) eligible--;
      const fresh = () => generateSession(this.r, this.clientId(j), this.r.pick(this.protocols), this.credentials);
      const session = !this.guided
        ? (this.r.chance(MUTATE_SHARE) ? mutateSession(fresh(), this.r, this.clientId(j)) : fresh())
        : eligible && this.r.chance(MUTATE_SHARE)
          ? mutateSession(this.corpus[this.r.int(eligible)]!.session, this.r, this.clientId(j))
          : fresh();
      this.packetsGenerated += session.packets.length;
      this.pending.set(j, session);
      this.packetsThrough.set(j, this.packetsGenerated);
    }
    return { session: this.pending.get(i)!, packetsThrough: this.packetsThrough.get(i)! };
  }

  /** Folds input i's response kind (in index order); the input is forgotten unless it joins the corpus. */
  observe(i: number, kind: string | undefined): void {
    const session = this.pending.get(i);
    this.pending.delete(i);
    this.packetsThrough.delete(i);
    if (session && kind !== undefined && !this.kinds.has(kind)) {
      this.kinds.add(kind);
      if (this.guided) this.corpus.push({ from: i, session });
    }
  }

  get responseKinds(): number { return this.kinds.size; }
  get corpusSize(): number { return this.corpus.length; }
}
