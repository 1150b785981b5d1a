// The grammar's unmutated packets are exactly what mqtt-packet generates: the fuzzer's "valid" is
// the reference encoder's valid, so a mutation is the only thing that makes an input malformed.
import { describe, expect, it } from 'vitest';
import type { Packet } from 'mqtt-packet';
import { decodeFrame, encode } from '../mqtt/frames.ts';
import { SeededRandom } from './seeded-random.ts';
import { connectPacket, generateSession } from './session-grammar.ts';
import { packetBytes, type PacketModel } from './packet-model.ts';

const str = (m: PacketModel, name: string) => (m.fields.find((f) => f.name === name)?.value as Buffer).toString('utf8');
const id = (m: PacketModel) => m.fields.find((f) => f.name === 'packetId')?.value as number;

/** The same packet as an mqtt-packet object, for the types the grammar generates. */
function asPacket(m: PacketModel): Packet | undefined {
  const qos = ((m.flags >> 1) & 3) as 0 | 1 | 2;
  switch (m.type) {
    case 1: return { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, keepalive: 60, clientId: str(m, 'clientId') };
    case 3: return { cmd: 'publish', topic: str(m, 'topic'), payload: m.fields.at(-1)!.value as Buffer, qos, retain: Boolean(m.flags & 1), dup: Boolean(m.flags & 8), ...(qos ? { messageId: id(m) } : {}) };
    case 4: return { cmd: 'puback', messageId: id(m) };
    case 5: return { cmd: 'pubrec', messageId: id(m) };
    case 6: return { cmd: 'pubrel', messageId: id(m) };
    case 7: return { cmd: 'pubcomp', messageId: id(m) };
    case 8: {
      const subscriptions = [];
      for (let i = 1; i < m.fields.length; i += 2) subscriptions.push({ topic: (m.fields[i]!.value as Buffer).toString('utf8'), qos: m.fields[i + 1]!.value as 0 | 1 | 2 });
      return { cmd: 'subscribe', messageId: id(m), subscriptions };
    }
    case 10: return { cmd: 'unsubscribe', messageId: id(m), unsubscriptions: [str(m, 'filter')] };
    case 12: return { cmd: 'pingreq' };
    case 14: return { cmd: 'disconnect' };
    default: return undefined; // SUBACK/CONNACK from a client: packets mqtt-packet would only generate for a server
  }
}

describe('packet model', () => {
  it('serialises unmutated packets byte for byte as mqtt-packet does', () => {
    const r = new SeededRandom(5);
    let compared = 0;
    for (let i = 0; i < 200; i++) {
      for (const m of generateSession(r, `c${i}`).packets) {
        const p = asPacket(m);
        if (!p) continue;
        expect(packetBytes(m).toString('hex'), m.notes.join(', ')).toBe(encode(p, 4).toString('hex'));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(500);
  });

  it('generates MQTT 5 packets the reference parser reads without error, properties included', () => {
    const r = new SeededRandom(9);
    let parsed = 0;
    for (let i = 0; i < 200; i++) {
      for (const m of generateSession(r, `c${i}`, '5').packets) {
        if (m.type === 2 || m.type === 9) continue; // CONNACK/SUBACK from a client: server packets on purpose
        const frame = decodeFrame(packetBytes(m), 5);
        expect(frame.decodeError, `${m.notes.join(', ')}: ${packetBytes(m).toString('hex')}`).toBeUndefined();
        parsed++;
      }
    }
    expect(parsed).toBeGreaterThan(500);
  });

  it('writes the broken Remaining Length forms', () => {
    const m = connectPacket('x');
    expect(packetBytes({ ...m, length: 'overlong' }).subarray(1, 3).toString('hex')).toBe('8d00') // 13 as 0x8d 0x00;
    expect(packetBytes({ ...m, length: 'five-bytes' }).subarray(1, 6).toString('hex')).toBe('ffffffff7f');
  });
});
