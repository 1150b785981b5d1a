import { describe, expect, test } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../core/paths.ts';
import { loadVectorFiles, runVectorSteps, validateVectorFile, vectorKeyProblems, vectorsDir, withCredentials, type Vector } from './vectors.ts';
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

  test('every vector declares a well-formed key, prefixed by its file, used by no other vector', () => {
    const files = loadVectorFiles(ROOT);
    const keys = files.flatMap((f) => f.vectors.map((v) => v.key));
    expect(keys.length).toBeGreaterThan(0);
    expect(new Set(keys).size).toBe(keys.length);
    for (const f of files) for (const v of f.vectors) expect(v.key.startsWith(`vector.${f.file.replace(/\.json$/, '')}.`), `${f.file}: ${v.name}`).toBe(true);
  });

  test('a missing, ill-formed, misplaced or duplicate key is an error naming the file and the vector (the check can fail)', () => {
    const seen = new Map<string, string>();
    const errors = vectorKeyProblems('connect.json', [
      { name: 'no key' },
      { key: 'Vector.Connect.Bad Key', name: 'ill-formed' },
      { key: 'vector.malformed.elsewhere', name: 'other file' },
      { key: 'vector.connect.twice', name: 'first' },
      { key: 'vector.connect.twice', name: 'second' },
      { key: 7, name: 'not a string' },
    ], seen);
    expect(errors).toEqual([
      'connect.json: vector "no key": declares no key; expected "vector.connect.<name>"',
      'connect.json: vector "ill-formed": key "Vector.Connect.Bad Key" is not of the form <area>.<name> (lower-case [a-z0-9-] segments joined by dots); expected "vector.connect.<name>"',
      'connect.json: vector "other file": key "vector.malformed.elsewhere" must start with "vector.connect."',
      'connect.json: vector "second": key "vector.connect.twice" is already used by connect.json: vector "first"',
      'connect.json: vector "not a string": key is not a string; expected "vector.connect.<name>"',
    ]);
    expect(vectorKeyProblems('connect.json', [{ key: 'vector.connect.twice', name: 'again' }], seen)).toHaveLength(1);
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
    key: 'vector.x.x', name: 'x', comment: 'x', spec: [],
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

describe('withCredentials', () => {
  const creds = { username: 'u', password: 'pw' };
  // 3.1.1 CONNECT, clean session, keep alive 60, client id "c".
  const plain = hexToBytes('100d00044d5154540402003c000163');
  test('appends User Name and Password to a CONNECT that sets neither flag, fixing the Remaining Length', () => {
    expect(withCredentials(plain, creds).toString('hex')).toBe('101400044d51545404c2003c00016300017500027077');
  });
  test('leaves other packets, CONNECTs with either flag, partial packets, and no credentials alone', () => {
    const pwOnly = hexToBytes('101100044d5154540442003c00016300027077');
    for (const b of [hexToBytes('c000'), pwOnly, plain.subarray(0, 8), Buffer.concat([plain, hexToBytes('c000')])]) expect(withCredentials(b, creds)).toEqual(b);
    expect(withCredentials(plain)).toEqual(plain);
  });
});
