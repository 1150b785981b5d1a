// Reading acknowledgement and DISCONNECT codes from the bytes, where mqtt-packet refuses to decode a
// code outside the packet's table (the reason-code and server-DISCONNECT tests judge such frames).
import { describe, expect, test } from 'vitest';
import { ackFields, decodeFrame, reasonCodeOf } from './frames.ts';

const frame = (hex: string, protocolVersion = 5) => decodeFrame(Buffer.from(hex, 'hex'), protocolVersion);

describe('ackFields', () => {
  test('reads the codes of a v5 UNSUBACK that mqtt-packet refuses (0x10 is no UNSUBACK code)', () => {
    const f = frame('b00500070000' + '10');
    expect(f.packet).toBeUndefined();
    expect(ackFields(f, 5)).toEqual({ messageId: 7, reasonCodes: [0x00, 0x10] });
  });

  test('skips the properties of a v5 SUBACK', () => {
    expect(ackFields(frame('900a0002' + '05' + '1f0002' + '6f6b' + '0102'), 5)).toEqual({ messageId: 2, reasonCodes: [0x01, 0x02] });
  });

  test('a v5 PUBACK without a Reason Code carries 0x00; one with 0x92 carries it', () => {
    expect(ackFields(frame('40020003'), 5)).toEqual({ messageId: 3, reasonCodes: [0x00] });
    expect(ackFields(frame('4003000392'), 5)).toEqual({ messageId: 3, reasonCodes: [0x92] });
  });

  test('3.1.1: a PUBACK carries no code, a SUBACK its return codes', () => {
    expect(ackFields(frame('40020003', 4), 4)).toEqual({ messageId: 3, reasonCodes: [] });
    expect(ackFields(frame('9004000900' + '80', 4), 4)).toEqual({ messageId: 9, reasonCodes: [0x00, 0x80] });
  });

  test('no fields for other packet types or a frame too short', () => {
    expect(ackFields(frame('d000'), 5)).toBeUndefined();
    expect(ackFields(frame('400100'), 5)).toBeUndefined();
  });
});

describe('reasonCodeOf', () => {
  test('a DISCONNECT with Remaining Length 0 carries 0x00; 0x05 is read although mqtt-packet refuses it', () => {
    expect(reasonCodeOf(frame('e000'))).toBe(0x00);
    const refused = frame('e00105');
    expect(refused.packet).toBeUndefined();
    expect(reasonCodeOf(refused)).toBe(0x05);
  });

  test('no code for other packet types', () => {
    expect(reasonCodeOf(frame('d000'))).toBeUndefined();
  });
});
