import { describe, expect, it } from 'vitest';
import type { Packet } from 'mqtt-packet';
import type { Frame } from '../mqtt/frames.ts';
import { keptSessionClientId } from './session-cleanup.ts';
import type { Field } from './packet-model.ts';
import { connectPacket, type Session } from './session-grammar.ts';
import type { SessionOutcome } from './session-runner.ts';

const withFlags = (flags: number): Session => {
  const connect = connectPacket('fz-kept');
  connect.fields = connect.fields.map((f) => (f.name === 'connectFlags' ? ({ ...f, value: flags } as Field) : f));
  return { protocol: '3.1.1', packets: [connect] };
};
const answered = (packet: Packet): SessionOutcome => ({ frames: [{ bytes: Buffer.alloc(0), type: 2, flags: 0, packet } as Frame], closed: false, answered: true, packetsSent: 1 });
const accepted = answered({ cmd: 'connack', returnCode: 0, sessionPresent: false } as Packet);

describe('keptSessionClientId', () => {
  it('names the client of an accepted CONNECT with Clean Session 0', () => {
    expect(keptSessionClientId(withFlags(0x00), accepted)).toBe('fz-kept');
  });
  it('is undefined for Clean Session 1, or when the CONNECT was refused', () => {
    expect(keptSessionClientId(withFlags(0x02), accepted)).toBeUndefined();
    expect(keptSessionClientId(withFlags(0x00), answered({ cmd: 'connack', returnCode: 2, sessionPresent: false } as Packet))).toBeUndefined();
  });
});
