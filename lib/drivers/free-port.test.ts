import { describe, expect, test } from 'vitest';
import { withFreshPorts } from './free-port.ts';

describe('withFreshPorts', () => {
  test('tries again with new ports when the start reports a taken port, then succeeds', async () => {
    const seen: number[][] = [];
    const r = await withFreshPorts(2, /address in use/i, async (ports) => {
      seen.push(ports);
      if (seen.length < 3) throw new Error('bind: Address in use');
      return 'started';
    });
    expect(r).toBe('started');
    expect(seen).toHaveLength(3);
    for (const ports of seen) expect(new Set(ports).size).toBe(2);
  });

  test('gives up after the last attempt, and never retries another error', async () => {
    let calls = 0;
    await expect(withFreshPorts(1, /in use/, async () => { calls++; throw new Error('port in use'); }, 2)).rejects.toThrow('port in use');
    expect(calls).toBe(2);
    calls = 0;
    await expect(withFreshPorts(1, /in use/, async () => { calls++; throw new Error('config error'); })).rejects.toThrow('config error');
    expect(calls).toBe(1);
  });
});
