import { describe, expect, test } from 'vitest';
import { judgeTiming } from './timing.ts';

const keepAlive = (valueMs: number) => ({ what: 'close after the last packet', valueMs, bound: 'at-most' as const, specMs: 1500, toleratedMs: 6500, context: 'with Keep Alive 1 s' });

describe('judgeTiming', () => {
  test('within the specification: passes with the measured value and no note', () => {
    const v = judgeTiming(keepAlive(1400), false);
    expect(v).toEqual({ measured: { what: 'close after the last packet', valueMs: 1400, bound: 'at-most', specMs: 1500, toleratedMs: 6500, appliedMs: 6500, marginMs: 100 } });
  });

  test('beyond the specification, within the tolerance: passes with a tolerated note; --strict fails it', () => {
    const v = judgeTiming(keepAlive(5800), false);
    expect(v.problem).toBeUndefined();
    expect(v.tolerated).toBe('close after the last packet: 5.8 s with Keep Alive 1 s; the specification allows at most 1.5 s (a default run tolerates 6.5 s; --strict fails this)');
    const strict = judgeTiming(keepAlive(5800), true);
    expect(strict.tolerated).toBeUndefined();
    expect(strict.problem).toBe('--strict: close after the last packet: 5.8 s with Keep Alive 1 s; the specification allows at most 1.5 s');
    expect(strict.measured.appliedMs).toBe(1500);
  });

  test('beyond the tolerance: fails in every mode', () => {
    expect(judgeTiming(keepAlive(7000), false).problem).toBe('close after the last packet: 7 s with Keep Alive 1 s; the specification allows at most 1.5 s (tolerated: 6.5 s)');
  });

  test('an at-least bound (a delay) is beyond when the value is smaller', () => {
    const delay = { what: 'Will after the close', valueMs: 850, bound: 'at-least' as const, specMs: 1000, toleratedMs: 800 };
    expect(judgeTiming(delay, false).tolerated).toMatch(/allows no less than 1 s/);
    expect(judgeTiming(delay, true).problem).toMatch(/^--strict: /);
    expect(judgeTiming({ ...delay, valueMs: 650 }, false).problem).toMatch(/tolerated: 0.8 s/);
  });

  test('a value within the stated measurement margin of the bound is on it, also under --strict', () => {
    expect(judgeTiming(keepAlive(1501), true).problem).toBeUndefined();
    expect(judgeTiming(keepAlive(1601), true).problem).toMatch(/^--strict: /);
  });

  test('no tolerance: the specification bound applies in both modes, without a --strict prefix', () => {
    const own = { what: 'valid client CONNACK', valueMs: 1200, bound: 'at-most' as const, specMs: 1000 };
    expect(judgeTiming(own, false).problem).toBe('valid client CONNACK: 1.2 s; the specification allows at most 1 s');
    expect(judgeTiming(own, true).problem).toBe(judgeTiming(own, false).problem);
  });
});
