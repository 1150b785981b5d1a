// Helpers for the arrangement tests (suites/conformance/arrangements-*.test.ts): the same rule tried
// with the filters, QoS levels and session settings arranged in each of the ways implementations
// differ. Deliveries are collected from the packet log of an auto-acknowledging subscriber (a broker
// may keep one QoS > 0 message in flight, so acknowledgement is never what holds a copy back); a
// collection ends after a stated quiet window with no further matching copy.
import type { IPublishPacket, Packet } from 'mqtt-packet';
import type { RawClient } from '../../lib/mqtt/raw-client.ts';
import { WaitTimeoutError } from '../../lib/mqtt/test-client.ts';
import type { ConformanceEnv } from './conformance.ts';
import { harness } from './harness.ts';
import { WAIT_MS } from './conformance-flow.ts';

export type Qos = 0 | 1 | 2;
export const QOS_LEVELS: readonly Qos[] = [0, 1, 2];

/** How a filter is built relative to the topic `<base>/a/b` it has to match. */
export type FilterKind = 'exact' | 'plus' | 'hash';
export const FILTER_KINDS: readonly FilterKind[] = ['exact', 'plus', 'hash'];

/** A filter of the given kind matching `${base}/a/b`. */
export function filterFor(kind: FilterKind, base: string): string {
  return kind === 'exact' ? `${base}/a/b` : kind === 'plus' ? `${base}/a/+` : `${base}/#`;
}

/**
 * QoS levels a publisher can use against this target. A target without QoS 2 (RabbitMQ 3.10) is a
 * known deviation of its own (publish.qos2-*); the arrangement tests are about matching and
 * sessions, so they publish only at levels the target declares.
 */
export function publishLevels(): Qos[] {
  const max = harness().target.capabilities.maxQos;
  return QOS_LEVELS.filter((q) => q <= max);
}

const isPublishOn = (topic: string, payload?: string) => (p: Packet): p is IPublishPacket =>
  p.cmd === 'publish' && p.topic === topic && (payload === undefined || p.payload.toString() === payload);

/**
 * Every copy of one message (topic + payload) the client receives: waits up to firstMs for the first
 * one, then keeps collecting until no further copy arrives for quietMs. Empty when none came. The
 * client should auto-acknowledge (RawClient.startAutoAck).
 */
export async function copiesOf(client: RawClient, topic: string, payload: string, quietMs: number, firstMs = WAIT_MS): Promise<IPublishPacket[]> {
  const match = isPublishOn(topic, payload);
  try {
    await client.log.next(match, firstMs, `PUBLISH ${payload} on ${topic}`);
  } catch (e) {
    if (e instanceof WaitTimeoutError) return [];
    throw e;
  }
  for (;;) {
    try {
      await client.log.nextNew(match, quietMs);
    } catch (e) {
      if (e instanceof WaitTimeoutError) break;
      throw e;
    }
  }
  return client.log.packets.filter(match);
}

/** Copies of one message that arrived so far (no waiting). */
export function copiesSoFar(client: RawClient, topic: string, payload?: string): IPublishPacket[] {
  return client.log.packets.filter(isPublishOn(topic, payload));
}

/**
 * Checks the number of copies against the delivery guarantee of the QoS they were delivered at:
 * QoS 2 exactly once, QoS 1 at least once, QoS 0 at most once (required here: nothing on an idle
 * loopback connection loses it, and without the copy the rule under test was not exercised).
 * `maxCopies` is the number of matching subscriptions (each may get its own copy).
 */
export function expectCopies(env: ConformanceEnv, copies: IPublishPacket[], what: string, maxCopies = 1): void {
  env.ctx.expect(copies.length, `${what}: copies delivered`).toBeGreaterThanOrEqual(1);
  const byQos = (q: Qos) => copies.filter((c) => c.qos === q).length;
  env.ctx.expect(byQos(2), `${what}: copies at QoS 2 (exactly once per subscription)`).toBeLessThanOrEqual(maxCopies);
  if (maxCopies === 1) env.ctx.expect(byQos(0), `${what}: copies at QoS 0 (at most once)`).toBeLessThanOrEqual(1);
}

/** Grants as numbers; fails the test on a refused filter (0x80 and above). */
export function expectGranted(env: ConformanceEnv, granted: number[], requested: Qos[]): Qos[] {
  granted.forEach((g, i) => {
    env.ctx.expect(g, `SUBACK code for filter ${i} (requested QoS ${requested[i]})`).toBeLessThanOrEqual(requested[i]!);
  });
  return granted as Qos[];
}

/** The distinct topics of PUBLISH packets received so far among `topics`. */
export function topicsReceived(client: RawClient, topics: readonly string[]): string[] {
  const got = new Set<string>();
  for (const p of client.log.packets) if (p.cmd === 'publish' && topics.includes(p.topic)) got.add(p.topic);
  return [...got].sort();
}
