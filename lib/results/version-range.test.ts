import { describe, expect, test } from 'vitest';
import { normalizeRange, versionInRange } from './version-range.ts';

describe('versionInRange', () => {
  test.each([
    ['2.0.11', '2.0.11', true],
    ['2.0.21', '2.0.11', false],
    ['2.0.11', '>=2.0.0 <2.0.19', true],
    ['2.0.21', '>=2.0.0 <2.0.19', false],
    ['23.01', '23.x', true],
    ['24.12', '>=23.01 <24.0', false],
    ['3.10.8', '3.10.x', true],
    ['1.2.0', '*', true],
  ])('%s in %s → %s', (version, range, expected) => {
    expect(versionInRange(version, range)).toBe(expected);
  });
  test('an unparsable range is rejected', () => {
    expect(normalizeRange('newest')).toBeUndefined();
    expect(versionInRange('2.0.11', 'newest')).toBe(false);
  });
});
