// Per-publisher delivery accounting: which sequence numbers arrived, how many arrived twice, and how
// many arrived after a higher one (reordered). Loss is only known at the end, against the number the
// publisher says it sent. Members of a shared subscription share one tracker for uniqueness and
// duplicates but order is judged per member (`order`), since messages spread over members interleave.

const MAX_SEQ = 1 << 27; // 134M messages per publisher: far beyond any bounded run; caps memory at 16 MiB

export interface DeliveryCounts {
  unique: number;
  duplicates: number;
  reordered: number;
}

export class SequenceTracker {
  private seen = new Uint8Array(1024);
  private readonly order = { highest: -1 };
  readonly counts: DeliveryCounts = { unique: 0, duplicates: 0, reordered: 0 };

  /** Records one arrival; true when it is the first of this sequence number (not a duplicate). */
  record(seq: number, order: { highest: number } = this.order): boolean {
    if (seq >= MAX_SEQ) return false;
    const byte = seq >> 3;
    if (byte >= this.seen.length) {
      let size = this.seen.length;
      while (size <= byte) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.seen);
      this.seen = grown;
    }
    const bit = 1 << (seq & 7);
    if (this.seen[byte]! & bit) {
      this.counts.duplicates++;
      return false;
    }
    this.seen[byte]! |= bit;
    this.counts.unique++;
    if (seq < order.highest) this.counts.reordered++;
    else order.highest = seq;
    return true;
  }
}
