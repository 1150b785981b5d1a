// Where each connection of a scenario lives: which worker thread owns which publisher, subscriber or
// idle connector, and which publishers each sequence-tracker group hears (the loss accounting's
// denominator). Pure; one layout function per shape of load, chosen by the scenario kind.
import type { PublisherSpec, SubscriberSpec } from './worker-protocol.ts';
import type { Scenario } from './scenario.ts';

export interface WorkerLayout {
  publishers: PublisherSpec[];
  subscribers: SubscriberSpec[];
  connectors: string[];
}

export interface Layout {
  perWorker: WorkerLayout[];
  publisherCount: number;
  /** Which publishers each tracker group hears, to know how many deliveries it should have seen. */
  groupPublishers: Map<string, number[]>;
  /** Members of one shared subscription: the result shows how evenly the broker spread messages. */
  memberSpread: boolean;
}

function emptyWorkers(workers: number): WorkerLayout[] {
  return Array.from({ length: workers }, () => ({ publishers: [], subscribers: [], connectors: [] }));
}

/** MQTT client ids from the scenario's unique topic prefix (at most 64 characters, kept from the end). */
export function clientId(prefix: string, role: string, i: number): string {
  return `${prefix.replace(/\//g, '-')}-${role}${i}`.slice(-64);
}

/**
 * Publishers and subscribers by topology. A publisher and its subscriber go to different workers when
 * there are two, so each gets a core (the C clients we compare with are two processes); the delivery
 * window is fed back through shared counters.
 */
export function layoutConnections(s: Scenario, prefix: string, workers: number): Layout {
  const perWorker = emptyWorkers(workers);
  const groupPublishers = new Map<string, number[]>();
  const id = (role: string, i: number) => clientId(prefix, role, i);
  const n = s.clients;
  let publisherCount = 0;
  switch (s.topology) {
    case 'pairs':
      for (let i = 0; i < n; i++) {
        const topic = `${prefix}/${i}`;
        perWorker[(2 * i) % workers]!.subscribers.push({ clientId: id('s', i), filter: topic, group: `s${i}` });
        perWorker[(2 * i + 1) % workers]!.publishers.push({ id: i, clientId: id('p', i), topic, deliveriesPerMessage: 1, windowShare: 1 });
        groupPublishers.set(`s${i}`, [i]);
      }
      publisherCount = n;
      break;
    case 'fan-in':
      perWorker[0]!.subscribers.push({ clientId: id('s', 0), filter: `${prefix}/+`, group: 's0' });
      for (let i = 0; i < n; i++) perWorker[(i + 1) % workers]!.publishers.push({ id: i, clientId: id('p', i), topic: `${prefix}/${i}`, deliveriesPerMessage: 1, windowShare: n });
      groupPublishers.set('s0', Array.from({ length: n }, (_, i) => i));
      publisherCount = n;
      break;
    case 'fan-out':
      perWorker[0]!.publishers.push({ id: 0, clientId: id('p', 0), topic: `${prefix}/out`, deliveriesPerMessage: n, windowShare: 1 });
      for (let i = 0; i < n; i++) {
        perWorker[(i + 1) % workers]!.subscribers.push({ clientId: id('s', i), filter: `${prefix}/out`, group: `s${i}` });
        groupPublishers.set(`s${i}`, [0]);
      }
      publisherCount = 1;
      break;
    case 'shared':
      // One tracker for the whole group (duplicates across members are visible), so members share a worker.
      perWorker[0]!.publishers.push({ id: 0, clientId: id('p', 0), topic: `${prefix}/shared`, deliveriesPerMessage: 1, windowShare: 1 });
      for (let i = 0; i < n; i++) perWorker[workers - 1]!.subscribers.push({ clientId: id('s', i), filter: `$share/bench/${prefix}/shared`, group: 'shared' });
      groupPublishers.set('shared', [0]);
      publisherCount = 1;
      break;
  }
  return { perWorker, publisherCount, groupPublishers, memberSpread: s.topology === 'shared' };
}

/** `count` idle connections spread round-robin over the workers; nothing is published. */
export function layoutConnectors(s: Scenario, prefix: string, workers: number): Layout {
  const perWorker = emptyWorkers(workers);
  for (let i = 0; i < s.count!; i++) perWorker[i % workers]!.connectors.push(clientId(prefix, 'c', i));
  return { perWorker, publisherCount: 0, groupPublishers: new Map(), memberSpread: false };
}

/** The retained storm's worker owns both of its clients (see generator-worker); publisher id 0. */
export function layoutRetainedStorm(_s: Scenario, _prefix: string, workers: number): Layout {
  return { perWorker: emptyWorkers(workers), publisherCount: 1, groupPublishers: new Map([['retained', [0]]]), memberSpread: false };
}

/** Deliveries the subscribers should have seen: each tracker group hears each of its publishers once. */
export function expectedDeliveries(layout: Layout, sent: (publisherId: number) => number): number {
  let expected = 0;
  for (const pubs of layout.groupPublishers.values()) for (const pid of pubs) expected += sent(pid);
  return expected;
}
