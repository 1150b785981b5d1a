import { describe, expect, test } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../core/paths.ts';
import { loadVectorFiles, runVectorSteps, validateVectorFile, vectorsDir, type Vector } from './vectors.ts';
import { decodeFrame, hexToBytes, type Frame } from '../mqtt/frames.ts';
import { ConnectionClosedError, type RawClient } from '../mqtt/raw-client.ts';
import { loadStatements } from '../results/coverage.ts';

describe('fixtures/vectors', () => {
  const files = fs.readdirSync(vectorsDir(ROOT)).filter((f) => f.endsWith('.json'));

  test.each(files)('%s validates against fixtures/schema/vectors.schema.json', (file) => {
    const doc = JSON.parse(fs.readFileSync(path.join(vectorsDir(ROOT), file), 'utf8'));
    expect(validateVectorFile(ROOT, doc, file)).toEqual([]);
  });

  test('the schema rejects a vector without statement ids and with bad hex (the check can fail)', () => {
    const bad = { protocol: '3.1.1', area: 'x', vectors: [{ name: 'bad one', comment: 'no spec', steps: [{ send: 'zz' }] }] };
    const errors = validateVectorFile(ROOT, bad, 'bad.json');
    expect(errors.join('\n')).toMatch(/spec/);
    expect(errors.join('\n')).toMatch(/send|pattern/);
  });

  test('every statement id a vector names exists in the statement list of its protocol', () => {
    for (const f of loadVectorFiles(ROOT)) {
      const ids = new Set(loadStatements(ROOT, f.protocol)?.statements.map((s) => s.id) ?? []);
      for (const v of f.vectors) for (const id of v.spec) expect(ids.has(id), `${f.file}: ${v.name}: ${id}`).toBe(true);
    }
  });
});

/** A RawClient stand-in that replays frames, then reports the close. */
function replay(hexFrames: string[]): RawClient {
  const queue: Frame[] = hexFrames.map((h) => decodeFrame(hexToBytes(h), 5));
  return {
    closed: false,
    send() {},
    async next() {
      const f = queue.shift();
      if (!f) { (this as { closed: boolean }).closed = true; throw new ConnectionClosedError('a packet', []); }
      return f;
    },
  } as unknown as RawClient;
}

describe('expectDisconnect', () => {
  const vector: Vector = {
    name: 'x', comment: 'x', spec: [],
    steps: [{ oneOf: [
      { behaviour: 'DISCONNECT 0x81 then close', steps: [{ expect: 'e0 01 81' }, { expectClose: true }] },
      { behaviour: 'DISCONNECT 0x81 with properties then close', steps: [{ expectDisconnect: '81' }, { expectClose: true }] },
    ], intended: 'DISCONNECT 0x81 then close' }],
  };
  // e0 0b 81 09 1f 00 06 "bad pk": DISCONNECT 0x81 with a Reason String, as ejabberd sends it.
  const withReason = 'e0 0b 81 09 1f 00 06 62 61 64 20 70 6b';

  test('accepts a DISCONNECT with the reason code and a Reason String', async () => {
    expect((await runVectorSteps(replay([withReason]), vector)).behaviour).toBe('DISCONNECT 0x81 with properties then close');
    expect((await runVectorSteps(replay(['e0 01 81']), vector)).behaviour).toBe('DISCONNECT 0x81 then close');
  });
  test('rejects another reason code, Session Expiry from a server, and a malformed property block (the check can fail)', async () => {
    await expect(runVectorSteps(replay(['e0 0b 82 09 1f 00 06 62 61 64 20 70 6b']), vector)).rejects.toThrow(/expected one of/);
    await expect(runVectorSteps(replay(['e0 07 81 05 11 00 00 00 3c']), vector)).rejects.toThrow(/expected one of/);
    await expect(runVectorSteps(replay(['e0 0b 81 0a 1f 00 06 62 61 64 20 70 6b']), vector)).rejects.toThrow(/expected one of/);
  });
});
