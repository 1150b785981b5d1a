// The byte-level CONNECT verdict against hand-written cases (1.5.3/1.5.4, 3.1.2), and, as a
// property, against what the mutators claim over random mutation sequences: a corpus entry mutated
// into children and grandchildren, every session judged again at the end (a record shared between a
// parent and its mutants went stale exactly there: docs/fuzz.md). fast-check is not among the
// dependencies: the sequences come from the fuzzer's own seeded generator, 300 runs of a fixed seed.
import { describe, expect, it } from 'vitest';
import type { ProtocolVersion } from '../core/broker.ts';
import { connectVerdict } from './connect-validity.ts';
import { SeededRandom } from './seeded-random.ts';
import { connectPacket, generateSession, type Session } from './session-grammar.ts';
import { mutateSession } from './session-mutators.ts';
import { packetBytes, violationOf, type PacketModel } from './packet-model.ts';
import { sessionWrites } from './session-runner.ts';

function withClientId(id: Buffer, protocol: ProtocolVersion = '3.1.1', edit?: (p: PacketModel) => void): Buffer {
  const p = connectPacket('x', protocol);
  p.fields.find((f) => f.name === 'clientId')!.value = id;
  edit?.(p);
  return packetBytes(p);
}

const verdictOf = (b: Buffer, protocol: ProtocolVersion = '3.1.1') => {
  const v = connectVerdict(b, protocol);
  return v.kind === 'must-close' ? v.statement : v.kind;
};

describe('connect verdict from the bytes', () => {
  it('keeps U+FEFF a valid character (MQTT-1.5.3-3, MQTT-1.5.4-3) and rejects surrogates, overlongs, truncation, U+0000', () => {
    expect(verdictOf(withClientId(Buffer.from('\ufefffz', 'utf8')))).toBe('valid');
    expect(verdictOf(withClientId(Buffer.from('\ufefffz', 'utf8'), '5'), '5')).toBe('valid');
    expect(verdictOf(withClientId(Buffer.from([0x66, 0xed, 0xa0, 0x80])))).toBe('MQTT-1.5.3-1');
    expect(verdictOf(withClientId(Buffer.from([0x66, 0xed, 0xbf, 0xbf]), '5'), '5')).toBe('MQTT-1.5.4-1');
    expect(verdictOf(withClientId(Buffer.from([0x66, 0xc0, 0xaf])))).toBe('MQTT-1.5.3-1');
    expect(verdictOf(withClientId(Buffer.from([0x66, 0xc3])))).toBe('MQTT-1.5.3-1');
    expect(verdictOf(withClientId(Buffer.from('fz\u0000x', 'utf8'), '5'), '5')).toBe('MQTT-1.5.4-2');
  });

  it('names the flag rules and reads the payload the flags announce', () => {
    const flags = (v: number) => (p: PacketModel) => { p.fields.find((f) => f.name === 'connectFlags')!.value = v; };
    expect(verdictOf(withClientId(Buffer.from('a'), '3.1.1', flags(0x03)))).toBe('MQTT-3.1.2-3');
    expect(verdictOf(withClientId(Buffer.from('a'), '3.1.1', (p) => { p.flags = 2; }))).toBe('MQTT-2.2.2-2');
    expect(verdictOf(withClientId(Buffer.from('a'), '5', (p) => { p.flags = 1; }), '5')).toBe('MQTT-2.1.3-1');
    expect(verdictOf(withClientId(Buffer.from('a'), '3.1.1', flags(0x0a)))).toBe('MQTT-3.1.2-13');
    expect(verdictOf(withClientId(Buffer.from('a'), '5', flags(0x22)), '5')).toBe('MQTT-3.1.2-13');
    expect(verdictOf(withClientId(Buffer.from('a'), '3.1.1', flags(0x42)))).toBe('MQTT-3.1.2-22');
    // The User Name flag with no User Name: the packet ends first.
    expect(verdictOf(withClientId(Buffer.from('a'), '3.1.1', flags(0x82)))).toBe('MQTT-3.1.4-1');
    // A Password is Binary Data (3.1.3.5): U+0000 and ill-formed UTF-8 are allowed in it.
    const withPassword = (p: PacketModel) => { flags(0xc2)(p); p.fields.push({ name: 'username', kind: 'str', value: Buffer.from('u') }, { name: 'password', kind: 'str', value: Buffer.from([0, 0xc0, 0xaf]) }); };
    expect(verdictOf(withClientId(Buffer.from('a'), '3.1.1', withPassword))).toBe('valid');
  });

  it('judges MQTT 5 properties and leaves uncertain boundaries unjudged', () => {
    const props = (...bytes: number[]) => (p: PacketModel) => { p.fields.find((f) => f.kind === 'props')!.value = [{ id: bytes[0]!, value: Buffer.from(bytes.slice(1)) }]; };
    expect(verdictOf(withClientId(Buffer.from('a'), '5', props(0x21, 0, 5)), '5')).toBe('valid');
    expect(verdictOf(withClientId(Buffer.from('a'), '5', props(0x21, 0, 0)), '5')).toBe('MQTT-4.13.1-1');
    expect(verdictOf(withClientId(Buffer.from('a'), '5', props(0x01, 1)), '5')).toBe('MQTT-4.13.1-1');
    expect(verdictOf(withClientId(Buffer.from('a'), '5', props(0x27, 0, 0, 1)), '5')).toBe('MQTT-4.13.1-1');
    expect(verdictOf(withClientId(Buffer.from('a'), '5', (p) => { p.length = 'declares-more'; }), '5')).toBe('not-judged');
    expect(verdictOf(withClientId(Buffer.from('a'), '5', (p) => { p.length = 'overlong'; }), '5')).toBe('not-judged');
  });
});

/** Rules the mutators claim (session-mutators.ts): the reserved flag, the UTF-8 rules, MQTT 5 properties. */
const CLAIMED_KINDS = new Set(['MQTT-3.1.2-3', 'MQTT-1.5.3-1', 'MQTT-1.5.3-2', 'MQTT-1.5.4-1', 'MQTT-1.5.4-2']);

describe('mutators claim only what the bytes break', () => {
  it('over random mutation sequences (parents, children, grandchildren), every claim is a must-close verdict and every UTF-8 or reserved-flag verdict was claimed', () => {
    let judged = 0;
    const runs = new SeededRandom(17);
    for (let run = 0; run < 300; run++) {
      const r = new SeededRandom(runs.int(2 ** 31));
      const protocol: ProtocolVersion = r.chance(0.5) ? '5' : '3.1.1';
      const sessions: Session[] = [generateSession(r, 'root', protocol)];
      // Each step mutates an earlier session (a corpus entry): chains and siblings both occur.
      const steps = 1 + r.int(40);
      for (let i = 0; i < steps; i++) sessions.push(mutateSession(sessions[r.int(sessions.length)]!, r, `c${i}`));
      for (const s of sessions) {
        const connect = s.packets[0]!;
        if (connect.length !== 'minimal') continue;
        const claimed = violationOf(connect);
        const verdict = connectVerdict(Buffer.concat(sessionWrites(s)), s.protocol);
        const context = `run ${run}: ${connect.notes.join(', ')}: ${packetBytes(connect).toString('hex')} → ${JSON.stringify(verdict)}; claimed ${claimed}`;
        if (claimed) expect(verdict.kind, context).toBe('must-close');
        if (verdict.kind === 'must-close' && CLAIMED_KINDS.has(verdict.statement)) expect(claimed, context).toBeDefined();
        judged++;
      }
    }
    expect(judged).toBeGreaterThan(3000);
  });
});
