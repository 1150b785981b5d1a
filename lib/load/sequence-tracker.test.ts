import { describe, expect, it } from 'vitest';
import { SequenceTracker } from './sequence-tracker.ts';

describe('SequenceTracker', () => {
  it('counts unique, duplicate and reordered deliveries', () => {
    const t = new SequenceTracker();
    const first = [0, 1, 3, 2, 2, 5000, 4].map((s) => t.record(s));
    expect(t.counts).toEqual({ unique: 6, duplicates: 1, reordered: 2 });
    // The subscriber counts only first arrivals as deliveries (so a duplicate never stands in for a lost one).
    expect(first).toEqual([true, true, true, true, false, true, true]);
  });
});

describe('SequenceTracker shared by members', () => {
  it('judges order per member but duplicates across the group', () => {
    const t = new SequenceTracker();
    const a = { highest: -1 };
    const b = { highest: -1 };
    t.record(0, a); t.record(2, a); t.record(1, b); t.record(3, b); t.record(2, b);
    expect(t.counts).toEqual({ unique: 4, duplicates: 1, reordered: 0 });
  });
});
