import { describe, expect, it } from 'vitest';
import { ddmin } from './delta-debugging.ts';

const limits = () => ({ maxTests: 1000, deadline: Date.now() + 5000 });

describe('ddmin', () => {
  it('reduces to the two items that together fail', async () => {
    const items = Array.from({ length: 40 }, (_, i) => i);
    const { result, complete } = await ddmin(items, async (c) => c.includes(7) && c.includes(31), limits());
    expect(result).toEqual([7, 31]);
    expect(complete).toBe(true);
  });

  it('stops at the test cap with a failing list', async () => {
    const items = Array.from({ length: 64 }, (_, i) => i);
    const { result, tests } = await ddmin(items, async (c) => c.includes(5), { maxTests: 3, deadline: Date.now() + 5000 });
    expect(tests).toBeLessThanOrEqual(3);
    expect(result).toContain(5);
  });
});
