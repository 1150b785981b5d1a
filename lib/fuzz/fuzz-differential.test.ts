// The comparison alone, on hand-made answers: only inputs every target played count; a difference on
// a one-answer input is a finding against the target that did not close; other differences are
// informational with their reason; identical answers are nothing.
import { describe, expect, it } from 'vitest';
import type { DifferentialAnswer, DifferentialFile } from '../core/fuzz-record.ts';
import { compareDifferential } from './fuzz-differential.ts';

const must = (input: number, answer: string, kind = answer): DifferentialAnswer => ({ input, statement: 'MQTT-1.5.3-2', answer, kind, connectHex: '10' });
const valid = (input: number, kind: string): DifferentialAnswer => ({ input, answer: 'accepted', kind, openBecause: 'the CONNECT is valid' });
const file = (target: string, answers: DifferentialAnswer[]): DifferentialFile => ({ target, seed: 1, runs: { '3.1.1': answers } });

describe('compareDifferential', () => {
  it('reports one-answer differences with the statement, the rest as informational, over the inputs both played', () => {
    const [d] = compareDifferential([
      file('a', [must(0, 'closed', 'close'), must(1, 'closed', 'close'), valid(2, 'connack:0 open'), must(3, 'closed', 'close'), must(9, 'accepted')]),
      file('b', [must(0, 'accepted', 'connack:0 open'), must(1, 'refused (CONNACK 135)', 'connack:135 close'), valid(2, 'connack:0 suback:128 open'), must(3, 'closed', 'close')]),
    ]);
    expect(d!.compared).toBe(4);
    expect(d!.oneAnswer).toBe(3);
    expect(d!.findings).toEqual([expect.objectContaining({ statement: 'MQTT-1.5.3-2', input: 0, deviating: ['b'], answers: { a: 'closed', b: 'accepted' } })]);
    expect(d!.informational.map((x) => [x.reason.split(' ')[0], x.count])).toEqual([['every', 1], ['the', 1]]);
  });

  it('needs two targets that ran the same protocol', () => {
    expect(compareDifferential([file('a', [must(0, 'closed')])])).toEqual([]);
    expect(compareDifferential([file('a', [must(0, 'closed')]), { target: 'b', seed: 1, runs: { '5': [must(0, 'closed')] } }])).toEqual([]);
  });
});
