import { describe, expect, it } from 'vitest';
import { SequenceTracker } from './sequence-tracker.ts';

describe('SequenceTracker', () => {
  it('counts unique, duplicate and reordered deliveries', () => {
    const t = new SequenceTracker();
    for (const s of [0, 1, 3, 2, 2, 5000, 4]) t.record(s);
    expect(t.counts).toEqual({ unique: 6, duplicates: 1, reordered: 2 });
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
