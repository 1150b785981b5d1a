// The record of every packet a raw client received, read without consuming anything: "the first
// SUBACK this connection got", "all PUBLISHes so far", "what arrived in this quiet window". The raw
// client's own next() consumes packets one by one instead (step-by-step flows, the vector runner);
// the log is for tests that look at a connection's whole history. A wait ends on the awaited packet
// or on its deadline (a close does not cut it short: tests race it against expectClose() instead).
import type { Packet } from 'mqtt-packet';
import { WaitTimeoutError } from './test-client.ts';

/** A packet type ('suback') or a test on the decoded packet. */
export type PacketMatch = Packet['cmd'] | ((p: Packet) => boolean);

const toTest = (match: PacketMatch): ((p: Packet) => boolean) => (typeof match === 'string' ? (p) => p.cmd === match : match);

type Waiter = { test: (p: Packet) => boolean; resolve: (p: Packet) => void };

export class PacketLog {
  /** Every decoded packet, in order of arrival. */
  readonly packets: Packet[] = [];
  /** Byte length on the wire of each entry of `packets` (for Maximum Packet Size checks). */
  readonly sizes: number[] = [];
  private waiters: Waiter[] = [];

  /** Called by the raw client for each decoded packet. */
  add(packet: Packet, sizeBytes: number): void {
    this.packets.push(packet);
    this.sizes.push(sizeBytes);
    this.waiters = this.waiters.filter((w) => (w.test(packet) ? (w.resolve(packet), false) : true));
  }

  /** The first packet (already received or future) that matches. */
  next<P extends Packet = Packet>(match: PacketMatch = () => true, timeoutMs = 5000, what?: string): Promise<P> {
    const test = toTest(match);
    const seen = this.packets.find(test);
    if (seen) return Promise.resolve(seen as P);
    const label = what ?? (typeof match === 'string' ? match.toUpperCase() : 'a matching packet');
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { test, resolve: (p) => { clearTimeout(timer); resolve(p as P); } };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new WaitTimeoutError(label, timeoutMs));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Like next, but only packets that arrive after this call. */
  nextNew<P extends Packet = Packet>(match: PacketMatch = () => true, timeoutMs = 5000, what?: string): Promise<P> {
    const from = this.packets.length;
    const test = toTest(match);
    return this.next<P>((p) => this.packets.indexOf(p) >= from && test(p), timeoutMs, what);
  }

  /** Where the log stands now: pass it to quiet() as `since` to include what arrives from here on. */
  mark(): number {
    return this.packets.length;
  }

  /**
   * Waits a stated quiet window; returns the matching packets that arrived in it (the caller asserts
   * it is empty). With `since` (a mark()), packets from that mark count too: a forbidden answer that
   * came right after the stimulus, before the window opened, is not missed.
   */
  async quiet(windowMs: number, match: PacketMatch = () => true, since = this.packets.length): Promise<Packet[]> {
    const from = since;
    await new Promise((r) => setTimeout(r, windowMs));
    return this.packets.slice(from).filter(toTest(match));
  }
}
