import { describe, expect, test } from 'vitest';
import { judgeBehaviour } from './behaviour.ts';

describe('judgeBehaviour', () => {
  const allowed = ['closed', 'SUBACK 0x80 (failure)'];
  test('default mode accepts every allowed behaviour', () => {
    expect(judgeBehaviour('closed', allowed, 'closed', false)).toBeUndefined();
    expect(judgeBehaviour('SUBACK 0x80 (failure)', allowed, 'closed', false)).toBeUndefined();
  });
  test('--strict accepts only the intended behaviour', () => {
    expect(judgeBehaviour('closed', allowed, 'closed', true)).toBeUndefined();
    expect(judgeBehaviour('SUBACK 0x80 (failure)', allowed, 'closed', true)).toMatch(/--strict: the specification intends "closed"/);
  });
  test('a behaviour outside the allowed ones always fails', () => {
    expect(judgeBehaviour('granted QoS 0', allowed, 'closed', false)).toMatch(/not one the specification allows/);
  });
});
