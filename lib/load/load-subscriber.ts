// A subscriber: records latency from each message's intended send time into an HDR histogram, counts
// first deliveries per publisher (shared counters let publishers bound their window) and acknowledges QoS 1/2.
import { LoadConnection } from './load-connection.ts';
import { PACKET, publishLayout, writeAck, type Frame } from './wire-codec.ts';
import { nowMs, readHeader, type MessageHeader } from './message-header.ts';
import { SequenceTracker } from './sequence-tracker.ts';
import type { SharedCounters } from './worker-protocol.ts';

export class LoadSubscriber {
  received = 0;
  private readonly acks = Buffer.alloc(4 * 4096);
  private ackLen = 0;
  /** Highest sequence seen per publisher by this member (reordering is per connection). */
  private readonly touched = new Set<number>();
  private readonly order = new Map<number, { highest: number }>();
  private readonly header: MessageHeader = { publisherId: 0, seq: 0, intendedMs: 0 };

  constructor(
    readonly conn: LoadConnection,
    private readonly trackers: Map<number, SequenceTracker>,
    private readonly onLatencyMs: (ms: number) => void,
    private readonly counters: SharedCounters,
    onChunk: () => void,
  ) {
    const v5 = conn.protocol === '5';
    conn.onFrame = (f: Frame) => {
      if (f.type === PACKET.PUBLISH) this.onPublish(f, v5);
      else if (f.type === PACKET.PUBREL) this.ack(PACKET.PUBCOMP, (f.buf[f.start]! << 8) | f.buf[f.start + 1]!);
    };
    conn.onChunkEnd = () => {
      this.flushAcks();
      // Wake publishers (in any worker) waiting for their delivery window to move.
      // Only when a waiting publisher's mark (0 = nobody waits) has been reached.
      for (const id of this.touched) {
        const mark = this.counters.wakeMark(id);
        if (mark > 0 && this.counters.delivered(id) >= mark) Atomics.notify(this.counters.slots, id);
      }
      this.touched.clear();
      onChunk();
    };
  }

  private onPublish(f: Frame, v5: boolean): void {
    const now = nowMs();
    const { packetId, payloadStart } = publishLayout(f, v5);
    const h = readHeader(f.buf, payloadStart, this.header);
    this.onLatencyMs(now - h.intendedMs);
    let t = this.trackers.get(h.publisherId);
    if (!t) this.trackers.set(h.publisherId, (t = new SequenceTracker()));
    let order = this.order.get(h.publisherId);
    if (!order) this.order.set(h.publisherId, (order = { highest: -1 }));
    this.received++;
    // The shared delivery count (publishers' window, the engine's drain) counts first arrivals only:
    // counting a duplicate would let it stand in for a message still on its way, and the drain would
    // end before that one arrived, reporting it lost.
    if (t.record(h.seq, order) && h.publisherId < this.counters.publisherCount) {
      Atomics.add(this.counters.slots, h.publisherId, 1);
      this.touched.add(h.publisherId);
    }
    const qos = (f.flags >> 1) & 3;
    // [MQTT-4.3.2-2]/[MQTT-4.3.3-2]: acknowledge QoS 1 with PUBACK, QoS 2 with PUBREC.
    if (qos === 1) this.ack(PACKET.PUBACK, packetId);
    else if (qos === 2) this.ack(PACKET.PUBREC, packetId);
  }

  private ack(type: number, id: number): void {
    if (this.ackLen + 4 > this.acks.length) this.flushAcks();
    this.ackLen = writeAck(this.acks, this.ackLen, type, id);
  }

  private flushAcks(): void {
    if (!this.ackLen) return;
    this.conn.write(Buffer.from(this.acks.subarray(0, this.ackLen)));
    this.ackLen = 0;
  }
}
