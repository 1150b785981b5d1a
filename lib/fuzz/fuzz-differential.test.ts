// The comparison alone, on hand-made answers: only inputs every target played count; a difference on
// a one-answer input is a finding against the target that did not close (a packet proves it; silence
// within a bound does not); other differences are informational with their reason.
import { describe, expect, it } from 'vitest';
import type { DifferentialAnswer, DifferentialFile } from '../core/fuzz-record.ts';
import { compareDifferential } from './fuzz-differential.ts';

const must = (input: number, answer: string, kind = answer): DifferentialAnswer => ({ input, statement: 'MQTT-1.5.3-2', answer, kind, connectHex: '10' });
const valid = (input: number, kind: string): DifferentialAnswer => ({ input, answer: 'accepted', kind, openBecause: 'the CONNECT is valid' });
const file = (target: string, answers: DifferentialAnswer[]): DifferentialFile => ({ target, seed: 1, runs: { '3.1.1': answers } });

describe('compareDifferential', () => {
  it('reports one-answer differences with the statement, the rest as informational, over the inputs both played', () => {
    const [d] = compareDifferential([
      file('a', [must(0, 'closed', 'close'), must(1, 'closed', 'close'), valid(2, 'connack:0 open'), must(3, 'closed', 'close'), must(4, 'closed', 'close'), must(9, 'accepted')]),
      file('b', [must(0, 'accepted', 'connack:0 open'), must(1, 'refused (CONNACK 135)', 'connack:135 close'), valid(2, 'connack:0 suback:128 open'), must(3, 'closed', 'close'), must(4, 'silent'), must(5, 'closed')]),
    ]);
    expect(d!.compared).toBe(5);
    expect(d!.oneAnswer).toBe(4);
    expect(d!.findings).toEqual([expect.objectContaining({ statement: 'MQTT-1.5.3-2', input: 0, deviating: ['b'], answers: { a: 'closed', b: 'accepted' } })]);
    // Silent within the answer bound is no proof that a close will not come: informational.
    expect(d!.informational.map((x) => x.reason.split(',')[1]?.trim() ?? x.reason)).toEqual(expect.arrayContaining([expect.stringMatching(/^a target silent/), expect.stringMatching(/^in different allowed ways/), 'the CONNECT is valid']));
    expect(d!.informational).toHaveLength(3);
  });

  it('needs two targets that ran the same protocol', () => {
    expect(compareDifferential([file('a', [must(0, 'closed')])])).toEqual([]);
    expect(compareDifferential([file('a', [must(0, 'closed')]), { target: 'b', seed: 1, runs: { '5': [must(0, 'closed')] } }])).toEqual([]);
  });
});
