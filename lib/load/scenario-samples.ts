// What the load engine hands to aggregation: raw counts, encoded HDR histograms, sequence-tracker
// reports and resource samples, with the times they were taken. No figure is computed here; the pure
// reducer (aggregate-result.ts) turns one of these into a BenchmarkResult.
import type { ResourceSample } from '../results/types.ts';
import type { FromWorker } from './worker-protocol.ts';

/** A worker's final report (histograms, trackers, member counts, its own thread CPU). */
export type WorkerReport = Omit<Extract<FromWorker, { type: 'done' }>, 'type'>;

export interface ScenarioSamples {
  /** Shared-clock time (ms) at which every worker started publishing. */
  startMs: number;
  /** When the last worker reported that its publishers had finished. */
  publishedAtMs: number;
  /** Deliveries the subscribers had counted at publishedAtMs (the closed/open-loop rate's numerator). */
  deliveredAtPublishedEnd: number;
  /** Messages sent per publisher id. */
  sent: Record<number, number>;
  workers: WorkerReport[];
  /** Broker CPU/RSS samples over the run (none for an external broker). */
  brokerSamples: ResourceSample[];
  /** Broker RSS before the connections were opened and after they were held (kinds with `rssDelta`). */
  rssBeforeBytes?: number;
  rssAfterBytes?: number;
  /** Open loop: the rate per publisher the run used. */
  ratePerSec: number;
}
