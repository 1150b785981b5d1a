import { describe, expect, test } from 'vitest';
import { judgeBehaviour, judgeIntended } from './behaviour.ts';

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
  test('several intended behaviours: --strict accepts each of them', () => {
    const three = ['CONNACK 0x8c', 'CONNACK 0x87', 'closed'];
    expect(judgeBehaviour('CONNACK 0x87', three, ['CONNACK 0x8c', 'CONNACK 0x87'], true)).toBeUndefined();
    expect(judgeBehaviour('closed', three, ['CONNACK 0x8c', 'CONNACK 0x87'], true)).toMatch(/intends "CONNACK 0x8c \| CONNACK 0x87"/);
  });
});

describe('judgeIntended', () => {
  test('judges only under --strict, and only whether the behaviour is the intended one', () => {
    expect(judgeIntended('DISCONNECT 0x81', false, 'DISCONNECT 0x94', false)).toBeUndefined();
    expect(judgeIntended('DISCONNECT 0x94', true, 'DISCONNECT 0x94', true)).toBeUndefined();
    expect(judgeIntended('DISCONNECT 0x81', false, 'DISCONNECT 0x94', true)).toMatch(/--strict: the specification intends "DISCONNECT 0x94", the broker chose "DISCONNECT 0x81"/);
  });
});
