// Per-publisher delivery accounting on one subscriber: which sequence numbers arrived, how many
// arrived twice, and how many arrived after a higher one (reordered). Loss is only known at the end,
// against the number the publisher says it sent.

const MAX_SEQ = 1 << 27; // 134M messages per publisher: far beyond any bounded run; caps memory at 16 MiB

export interface DeliveryCounts {
  unique: number;
  duplicates: number;
  reordered: number;
}

export class SequenceTracker {
  private seen = new Uint8Array(1024);
  private highest = -1;
  readonly counts: DeliveryCounts = { unique: 0, duplicates: 0, reordered: 0 };

  record(seq: number): void {
    if (seq >= MAX_SEQ) return;
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
      return;
    }
    this.seen[byte]! |= bit;
    this.counts.unique++;
    if (seq < this.highest) this.counts.reordered++;
    else this.highest = seq;
  }
}
