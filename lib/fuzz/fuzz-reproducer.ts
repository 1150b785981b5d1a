// A finding as a vector file in the fixtures/vectors format (fixtures/schema/vectors.schema.json), so
// copying it into fixtures/vectors/ turns it into a regression test run by the generic vector runner.
import fs from 'node:fs';
import path from 'node:path';
import type { Frame } from '../mqtt/frames.ts';
import type { VectorStep } from '../conformance/vectors.ts';

export interface Reproducer {
  /** The input, one entry per write. */
  writes: Buffer[];
  /** What the broker sent back before it failed (the vector expects it again). */
  responses: Frame[];
  /** What the generator and mutators did, for the vector's comment. */
  notes: string[];
  bytes: number;
  /** ddmin ran to a 1-minimal input (false: no restart hook, or the minimizer's budget ran out). */
  minimized: boolean;
  minimizerTests: number;
}

export interface ReproducedFinding {
  kind: 'liveness' | 'forbidden-response';
  /** The statement broken; absent for liveness (no statement says "stay up": robustness). */
  statement?: string;
  problem: string;
  reproducer: Reproducer;
}

const hex = (b: Buffer) => b.toString('hex').replace(/(..)(?!$)/g, '$1 ');

function steps(f: ReproducedFinding): VectorStep[] {
  const sends: VectorStep[] = f.reproducer.writes.map((w) => ({ send: hex(w) }));
  if (f.kind === 'forbidden-response') return [...sends, { expectClose: true }];
  // The broker's answers before the failure, then a PINGREQ that must be answered or end in a close;
  // after a close the runner checks that the broker still serves a new client.
  return [
    ...sends,
    ...f.reproducer.responses.map((r) => ({ expect: hex(r.bytes) })),
    { send: 'c0 00' },
    { oneOf: [{ behaviour: 'closed', steps: [{ expectClose: true as const }] }, { behaviour: 'answered', steps: [{ expect: 'd0 00' }] }], intended: 'closed' },
  ];
}

function minimizedHow(r: Reproducer): string {
  if (!r.minimized) return 'not minimized (no restart hook, or the minimizer budget ran out);';
  return r.minimizerTests > 1 ? `minimized by ddmin (${r.minimizerTests} replays) to` : 'reduced to the offending CONNECT alone (replayed once to confirm):';
}

/** Writes `<dir>/<stem>.json` with one vector per finding; returns the path. */
export function writeReproducers(dir: string, stem: string, findings: readonly ReproducedFinding[]): string {
  const file = path.join(dir, `${stem}.json`);
  const doc = {
    protocol: '3.1.1',
    area: `fuzz findings (${stem})`,
    vectors: findings.map((f, i) => ({
      key: `vector.${stem}.finding-${i + 1}`,
      name: `fuzz finding ${i + 1}: ${f.problem}`,
      comment: `${minimizedHow(f.reproducer)} ${f.reproducer.bytes} bytes. Input: ${f.reproducer.notes.join('; ') || 'raw bytes'}`,
      spec: f.statement ? [f.statement] : [],
      connect: false,
      steps: steps(f),
    })),
  };
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  return file;
}
