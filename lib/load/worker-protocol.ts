// Messages between the engine (main thread) and generator workers. Workers own their connections and
// send counters and encoded HDR histograms; the engine merges them.
import type { ProtocolVersion } from '../core/broker.ts';
import type { Endpoint } from './load-connection.ts';

export interface PublisherSpec {
  id: number;
  clientId: string;
  topic: string;
  /** Deliveries expected per message (1, or N subscribers in a fan-out). */
  deliveriesPerMessage: number;
  /** Publishers feeding the same subscriber (fan-in N): they share its delivery window. */
  windowShare: number;
}

export interface SubscriberSpec {
  clientId: string;
  filter: string;
  /** Subscribers with the same group share one sequence tracker per publisher (shared subscriptions). */
  group: string;
}

export interface WorkerPlan {
  workerIndex: number;
  endpoint: Endpoint;
  protocol: ProtocolVersion;
  qos: 0 | 1 | 2;
  payloadBytes: number;
  publishers: PublisherSpec[];
  subscribers: SubscriberSpec[];
  /** connections scenario: clients to open and hold. */
  connectors: string[];
  mode: 'closed' | 'open';
  inflight: number;
  /** Open loop at QoS ≥ 1: PUBLISHes unacknowledged before the sender waits (absent: it never waits). */
  inFlightWindow?: number;
  /**
   * TEST-ONLY (set from code by the coordinated-omission proof, never from a scenario file or the CLI):
   * stamp open-loop messages with their actual send time instead of their intended one — the classic
   * coordinated-omission mistake, run as the proof's control.
   */
  stampAtActualSend?: boolean;
  ratePerSec: number;
  durationMs: number;
  /** Closed loop: each publisher stops after this many messages (or at durationMs, whichever first). */
  messageLimit?: number;
  publisherCount: number;
  /** Shared counters (SharedCounters over it): deliveries, messages sent and wake marks per publisher. */
  delivered: SharedArrayBuffer;
  connectTimeoutMs: number;
  /** retained-storm: store `count` retained messages under `prefix`, then subscribe to `prefix/#`. */
  retained?: { prefix: string; count: number };
}

export type ToWorker =
  | { type: 'setup'; plan: WorkerPlan }
  | { type: 'go'; startMs: number }
  | { type: 'finish' };

export interface TrackerReport {
  publisherId: number;
  group: string;
  unique: number;
  duplicates: number;
  reordered: number;
}

export type FromWorker =
  | { type: 'ready' }
  /** Once a second: this worker's p50 and p99 so far. Cheap on purpose (encoding a histogram every second stalled the sender); final figures come from merged histograms. */
  | { type: 'progress'; workerIndex: number; p50Ms: number | undefined; p99Ms: number | undefined }
  | { type: 'published'; sent: Record<number, number> }
  /** held: connections still open at the end of the hold; connectorBytesPerConnection: process RSS growth per connection opened (see generator-worker). */
  | { type: 'done'; retainedWindowMs?: number; held?: number; connectorBytesPerConnection?: number; histogram: string; connectHistogram: string; connectedMs: number; trackers: TrackerReport[]; memberCounts: number[]; cpuMs: number; wallMs: number }
  | { type: 'error'; message: string };

/**
 * Counters shared by the main thread and every worker, three regions of one Int32 slot per publisher
 * id: deliveries counted by the subscribers, messages sent, and the delivery count at which a
 * publisher waiting for its window wants to be woken (0 = not waiting).
 */
export class SharedCounters {
  readonly slots: Int32Array;
  readonly publisherCount: number;

  constructor(buffer: SharedArrayBuffer) {
    this.slots = new Int32Array(buffer);
    this.publisherCount = this.slots.length / 3;
  }

  static allocate(publisherCount: number): SharedArrayBuffer {
    return new SharedArrayBuffer(Math.max(1, publisherCount) * 3 * 4);
  }

  delivered(id: number): number { return Atomics.load(this.slots, id); }
  sent(id: number): number { return Atomics.load(this.slots, this.publisherCount + id); }
  setSent(id: number, n: number): void { Atomics.store(this.slots, this.publisherCount + id, n); }
  wakeMark(id: number): number { return Atomics.load(this.slots, 2 * this.publisherCount + id); }
  setWakeMark(id: number, n: number): void { Atomics.store(this.slots, 2 * this.publisherCount + id, n); }
}
