import { describe, expect, it } from 'vitest';
import { SequenceTracker } from './sequence-tracker.ts';

describe('SequenceTracker', () => {
  it('counts unique, duplicate and reordered deliveries', () => {
    const t = new SequenceTracker();
    for (const s of [0, 1, 3, 2, 2, 5000, 4]) t.record(s);
    expect(t.counts).toEqual({ unique: 6, duplicates: 1, reordered: 2 });
  });
});
