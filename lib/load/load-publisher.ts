// A publisher: closed loop (keep a bounded window outstanding) or open loop (each message has an
// intended send time on a fixed schedule, sent when due whatever the broker does, or — with an
// in-flight window at QoS ≥ 1 — as soon as the window has room, like a real QoS 1 client).
import { LoadConnection } from './load-connection.ts';
import { PACKET, PublishTemplate, writeAck, type Frame } from './wire-codec.ts';
import { nowMs, writeHeader } from './message-header.ts';
import { SharedCounters, type PublisherSpec, type WorkerPlan } from './worker-protocol.ts';

const MAX_BATCH = 256;
// Atomics.waitAsync (Node ≥ 16) is typed only from lib es2024; the project targets ES2022.
type WaitAsync = (a: Int32Array, index: number, value: number, timeoutMs?: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync.bind(Atomics);
/**
 * Undelivered messages a publisher may have in flight: the closed loop's bound at QoS 0, and at QoS ≥ 1
 * a cap that keeps a subscriber's broker-side queue (mosquitto: max_queued_messages 1000) from
 * overflowing — a max-throughput run should measure the broker's speed, not its drop policy.
 * Publishers feeding one subscriber share the cap.
 */
export function deliveryWindow(inflight: number, windowShare: number, qos: 0 | 1 | 2): number {
  // QoS 0 is not queued for an online subscriber the way QoS 1/2 are, so it may keep more in flight.
  return Math.max(inflight, Math.floor((qos === 0 ? 1000 : 400) / windowShare));
}

export class LoadPublisher {
  sent = 0;
  private acked = 0;
  private nextPacketId = 1;
  private blocked = false;
  private waiting = false;
  private running = false;
  private endMs = 0;
  private startMs = 0;
  private total = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly template: PublishTemplate;
  private readonly counters: SharedCounters;
  private readonly windowDeliveries: number;
  /** Delivery room at which a waiting publisher sends again (a quarter of the window, ≤ one batch). */
  private readonly refillAt: number;
  onFinished: () => void = () => {};

  constructor(readonly conn: LoadConnection, readonly spec: PublisherSpec, private readonly plan: WorkerPlan) {
    this.template = new PublishTemplate(spec.topic, plan.qos, plan.payloadBytes, plan.protocol);
    this.counters = new SharedCounters(plan.delivered);
    this.windowDeliveries = deliveryWindow(plan.inflight, spec.windowShare, plan.qos);
    this.refillAt = Math.max(1, Math.min(MAX_BATCH, Math.floor(this.windowDeliveries / 4)));
    const ackBuf = Buffer.alloc(4 * 64);
    conn.onFrame = (f: Frame) => {
      if (f.type === PACKET.PUBACK || f.type === PACKET.PUBCOMP) this.acked++;
      else if (f.type === PACKET.PUBREC) {
        // QoS 2 second step: [MQTT-4.3.3-3] answer PUBREC with PUBREL for the same packet id.
        const id = (f.buf[f.start]! << 8) | f.buf[f.start + 1]!;
        conn.write(Buffer.from(ackBuf.subarray(0, writeAck(ackBuf, 0, PACKET.PUBREL, id))));
      }
    };
    conn.onChunkEnd = () => (this.plan.mode === 'open' ? this.tickOpen() : this.pump());
  }

  start(startMs: number): void {
    this.startMs = startMs;
    this.endMs = startMs + this.plan.durationMs;
    this.running = true;
    if (this.plan.mode === 'open') {
      this.total = Math.floor((this.plan.ratePerSec * this.plan.durationMs) / 1000);
      this.timer = setInterval(() => this.tickOpen(), 1);
    } else {
      this.timer = setInterval(() => this.pump(), 1);
    }
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.timer);
    this.onFinished();
  }

  /** Closed loop: fill the window; called on acks, local deliveries, drain and a 1 ms tick. */
  pump(): void {
    if (!this.running || this.blocked || this.plan.mode !== 'closed') return;
    const now = nowMs();
    const limit = this.plan.messageLimit ?? Infinity;
    if (now >= this.endMs || this.sent >= limit) return this.stop();
    const outstanding = this.plan.qos > 0 ? this.sent - this.acked : 0;
    const undelivered = this.sent * this.spec.deliveriesPerMessage - this.counters.delivered(this.spec.id);
    const deliveryRoom = Math.floor((this.windowDeliveries * this.spec.deliveriesPerMessage - undelivered) / this.spec.deliveriesPerMessage);
    const room = Math.min(this.plan.inflight - outstanding, deliveryRoom, limit - this.sent);
    // Refill in batches, not a message at a time: one larger write instead of many tiny ones and one
    // wake-up per batch, so the generator spends its CPU (mostly syscalls) on fewer, fuller calls.
    if (deliveryRoom < this.refillAt && undelivered > 0) return this.waitForDeliveries(undelivered - (this.windowDeliveries * this.spec.deliveriesPerMessage - this.refillAt * this.spec.deliveriesPerMessage));
    if (room <= 0) return;
    this.send(Math.min(room, MAX_BATCH), () => now);
  }

  /**
   * The subscriber may live in another worker: sleep on the shared delivery counter until it moves
   * (subscribers Atomics.notify after each chunk) instead of polling, so the window refills at once.
   */
  private waitForDeliveries(moreNeeded: number): void {
    if (this.waiting) return;
    const seen = this.counters.delivered(this.spec.id);
    // Subscribers notify only once the delivered count reaches this mark.
    this.counters.setWakeMark(this.spec.id, seen + Math.max(1, moreNeeded));
    const w = waitAsync(this.counters.slots, this.spec.id, seen, 50);
    if (!w.async) return void queueMicrotask(() => this.pump());
    this.waiting = true;
    void w.value.then(() => { this.waiting = false; this.counters.setWakeMark(this.spec.id, 0); this.pump(); });
  }

  private tickOpen(): void {
    if (!this.running) return;
    const now = nowMs();
    const intervalMs = 1000 / this.plan.ratePerSec;
    const due = Math.min(this.total, Math.floor((now - this.startMs) / intervalMs) + 1);
    // Everything due is sent now (as far as an in-flight window lets it), stamped with the time it
    // *should* have gone out (coordinated omission); the TEST-ONLY switch stamps the actual send instead.
    const stamp = this.plan.stampAtActualSend ? () => now : (seq: number) => this.startMs + seq * intervalMs;
    for (let n = this.openRoom(due); n > 0; n = this.openRoom(due)) this.send(Math.min(n, MAX_BATCH), stamp, true);
    if (this.sent >= this.total || now >= this.endMs + 1000) this.stop();
  }

  /** Open loop: messages due now that may go out; with an in-flight window, only while it has room. */
  private openRoom(due: number): number {
    const limit = this.plan.inFlightWindow;
    return limit === undefined ? due - this.sent : Math.min(due - this.sent, limit - (this.sent - this.acked));
  }

  private send(n: number, intended: (seq: number) => number, ignoreBackpressure = false): void {
    const size = this.template.size;
    const buf = Buffer.allocUnsafe(n * size);
    for (let i = 0; i < n; i++) {
      const seq = this.sent + i;
      const pid = this.nextPacketId;
      this.nextPacketId = pid === 65_535 ? 1 : pid + 1;
      const payload = this.template.place(buf, i * size, pid);
      writeHeader(buf, payload, this.spec.id, seq, intended(seq));
    }
    this.sent += n;
    // Messages sent per publisher, for live progress.
    this.counters.setSent(this.spec.id, this.sent);
    if (!this.conn.write(buf) && !ignoreBackpressure) {
      this.blocked = true;
      this.conn.socket.once('drain', () => { this.blocked = false; this.pump(); });
    }
  }
}
