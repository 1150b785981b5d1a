// The header every benchmark message carries at the start of its payload, so subscribers can count
// loss, duplicates and reordering per publisher and measure latency from the *intended* send time
// (open loop: the schedule, also when an in-flight window held the message back; closed loop: the
// moment it was handed to the socket).
// Layout (16 bytes, big endian): u32 publisher id · u32 sequence number · f64 intended time (ms).

export const HEADER_BYTES = 16;

/** Milliseconds on a clock shared by every worker thread of this process (sub-ms resolution). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function writeHeader(buf: Buffer, offset: number, publisherId: number, seq: number, intendedMs: number): void {
  buf.writeUInt32BE(publisherId, offset);
  buf.writeUInt32BE(seq, offset + 4);
  buf.writeDoubleBE(intendedMs, offset + 8);
}

export interface MessageHeader {
  publisherId: number;
  seq: number;
  intendedMs: number;
}

export function readHeader(buf: Buffer, offset: number, out: MessageHeader): MessageHeader {
  out.publisherId = buf.readUInt32BE(offset);
  out.seq = buf.readUInt32BE(offset + 4);
  out.intendedMs = buf.readDoubleBE(offset + 8);
  return out;
}
