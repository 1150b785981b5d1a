// A finding as a vector file in the fixtures/vectors format (fixtures/schema/vectors.schema.json), so
// copying it into fixtures/vectors/ turns it into a regression test run by the generic vector runner.
import fs from 'node:fs';
import path from 'node:path';
import type { Frame } from '../mqtt/frames.ts';
import type { VectorStep } from '../conformance/vectors.ts';
import type { ProtocolVersion } from '../core/broker.ts';
import { varint } from './packet-model.ts';

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
  protocol: ProtocolVersion;
  /** Memory findings: the reproducer grows the broker's memory when replayed this many times. */
  repeat?: number;
}

export interface ReproducedFinding {
  kind: 'liveness' | 'forbidden-response' | 'memory';
  /** The statement broken; absent for liveness and memory (no statement says "stay up": robustness). */
  statement?: string;
  problem: string;
  reproducer: Reproducer;
}

const hex = (b: Buffer) => b.toString('hex').replace(/(..)(?!$)/g, '$1 ');

const mqttString = (s: string) => { const b = Buffer.from(s, 'utf8'); return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]); };

/**
 * A CONNECT write without the run's credentials (User Name and Password at its end, their flags
 * cleared): a vector file must carry no password, and the vector runner adds the listener's own
 * (withCredentials). Any other write, or a CONNECT not in that shape, is returned as it is.
 */
export function withoutCredentials(w: Buffer, c?: { username: string; password: string }): Buffer {
  if (!c || (w[0]! & 0xf0) !== 0x10) return w;
  const tail = Buffer.concat([mqttString(c.username), mqttString(c.password)]);
  if (w.length < tail.length || !w.subarray(w.length - tail.length).equals(tail)) return w;
  let i = 1;
  let len = 0;
  for (let mult = 1; i < 5; i++, mult *= 128) {
    len += (w[i]! & 0x7f) * mult;
    if (!(w[i]! & 0x80)) { i++; break; }
  }
  if (i + len !== w.length) return w;
  const body = Buffer.from(w.subarray(i, w.length - tail.length));
  const flagsAt = 2 + body.readUInt16BE(0) + 1; // after the protocol name and level
  if (flagsAt >= body.length) return w;
  body[flagsAt] = body[flagsAt]! & ~0xc0;
  return Buffer.concat([Buffer.from([w[0]!]), varint(body.length), body]);
}

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
  if (r.repeat) return `${r.minimized ? 'minimized by ddmin' : 'not minimized'} (${r.minimizerTests} measurements; replay it ${r.repeat} times, each on a new connection, and compare the broker's RSS):`;
  if (!r.minimized) return 'not minimized (no restart hook, or the minimizer budget ran out);';
  return r.minimizerTests > 1 ? `minimized by ddmin (${r.minimizerTests} replays) to` : 'reduced to the offending CONNECT alone (replayed once to confirm):';
}

/**
 * Writes one vector file per protocol version the findings use, `<dir>/<stem>.json` (3.1.1) and
 * `<dir>/<stem>-v5.json` (a vector file names one protocol); returns the paths.
 */
export function writeReproducers(dir: string, stem: string, findings: readonly ReproducedFinding[], credentials?: { username: string; password: string }): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const protocol of ['3.1.1', '5'] as const) {
    const mine = findings.map((f, i) => ({ f: { ...f, reproducer: { ...f.reproducer, writes: f.reproducer.writes.map((w) => withoutCredentials(w, credentials)) } }, n: i + 1 })).filter(({ f }) => f.reproducer.protocol === protocol);
    if (!mine.length) continue;
    const fileStem = protocol === '5' ? `${stem}-v5` : stem;
    const file = path.join(dir, `${fileStem}.json`);
    const doc = {
      protocol,
      area: `fuzz findings (${fileStem})`,
      vectors: mine.map(({ f, n }) => ({
        key: `vector.${fileStem}.finding-${n}`,
        name: `fuzz finding ${n}: ${f.problem.split('\n')[0]}`,
        comment: `${minimizedHow(f.reproducer)} ${f.reproducer.bytes} bytes. Input: ${f.reproducer.notes.join('; ') || 'raw bytes'}`,
        spec: f.statement ? [f.statement] : [],
        connect: false,
        steps: steps(f),
      })),
    };
    fs.writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
    files.push(file);
  }
  return files;
}
