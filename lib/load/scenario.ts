// Benchmark scenarios are data (suites/bench/*.json): validated once, before any broker starts.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../core/errors.ts';
import type { ProtocolVersion } from '../core/broker.ts';
import { HEADER_BYTES } from './message-header.ts';
import { SCENARIO_KIND_REGISTRY, SCENARIO_KINDS, type ScenarioKind } from './scenario-kinds.ts';

export { SCENARIO_KINDS, type ScenarioKind };
/** pairs: N independent publisher→subscriber pairs; fan-in: N→1; fan-out: 1→N; shared: 1→N via $share (v5). */
export const TOPOLOGIES = ['pairs', 'fan-in', 'fan-out', 'shared'] as const;
export type Topology = (typeof TOPOLOGIES)[number];

export interface Scenario {
  name: string;
  kind: ScenarioKind;
  description: string;
  /** Part of `--suite bench` without --scenario. */
  byDefault: boolean;
  protocol: ProtocolVersion;
  transport: 'plain' | 'tls';
  qos: 0 | 1 | 2;
  payloadBytes: number;
  topology: Topology;
  /** pairs: number of pairs; fan-in: publishers; fan-out/shared: subscribers. */
  clients: number;
  /** Closed loop: messages a publisher may have outstanding (unacknowledged at QoS ≥ 1, undelivered at QoS 0). */
  inflight: number;
  /** Open loop (latency): messages per second per publisher, absolute ... */
  ratePerSec?: number;
  /** ... or as a fraction of the msgsPerSec a throughput scenario measured earlier in this run. */
  rateFraction?: { of: string; fraction: number };
  /**
   * Open loop (latency) at QoS ≥ 1: at most this many PUBLISHes unacknowledged. When the window is full
   * the sender waits for PUBACK/PUBCOMP, as a real QoS 1 client does, and messages due meanwhile go out
   * late, still stamped with their intended time. Absent: the open loop never waits for the broker.
   */
  inFlightWindow?: number;
  /** sweep: each step's rate is the previous one's × rateFactor (default 2), starting at ratePerSec ... */
  rateFactor?: number;
  /** ... for at most maxSteps steps (default 10), each lasting durationMs ... */
  maxSteps?: number;
  /** ... until a step's p99 exceeds p99BoundMs (default 10) or it loses a message. */
  p99BoundMs?: number;
  /** sweep: a discarded run at the first rate before the steps, so no step pays the broker's and the generator's warm-up (default 1000; 0: none). */
  warmupMs?: number;
  /** sweep: a step whose p99 is beyond the bound is run again up to this many times, and counts as beyond only if every attempt is (default 1: a noisy machine's one slow second does not end the sweep; a loss is never retried). */
  retries?: number;
  durationMs: number;
  /** connections: how many to open and hold; retained-storm: how many retained topics. */
  count?: number;
  /** Worker threads generating load (default: 2, or fewer when there are fewer clients). */
  workers?: number;
}

const DEFAULTS = { protocol: '3.1.1', transport: 'plain', qos: 0, payloadBytes: 64, topology: 'pairs', clients: 1, inflight: 100, durationMs: 10_000, byDefault: false, description: '' } as const;

type Raw = Record<string, unknown>;

function fail(file: string, name: string, field: string, value: unknown, allowed: string): never {
  throw new UsageError(`scenario ${name} in ${file}: ${field} ${JSON.stringify(value)} is not allowed; ${allowed}`);
}

function int(file: string, name: string, raw: Raw, field: string, min: number, max: number): number | undefined {
  const v = raw[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(file, name, field, v, `use an integer from ${min} to ${max}`);
  return v;
}

/** Fields every kind has; each kind adds its own (scenario-kinds.ts). */
const COMMON: readonly (keyof Scenario)[] = ['name', 'kind', 'description', 'byDefault', 'protocol', 'transport', 'qos', 'payloadBytes', 'durationMs', 'workers'];
// A field of another kind is accepted (and ignored) as before; only a field no kind knows is an error.
const KNOWN: readonly string[] = [...new Set([...COMMON, ...SCENARIO_KINDS.flatMap((k) => SCENARIO_KIND_REGISTRY[k].fields)])];

export function parseScenario(raw: Raw, file: string): Scenario {
  const name = typeof raw.name === 'string' && /^[a-z0-9][a-z0-9.-]*$/.test(raw.name) ? raw.name : fail(file, '?', 'name', raw.name, 'use lower-case letters, digits, dots and dashes');
  for (const k of Object.keys(raw)) if (!KNOWN.includes(k)) fail(file, name, 'field', k, `known fields: ${KNOWN.join(', ')}`);
  const kind = (SCENARIO_KINDS as readonly unknown[]).includes(raw.kind) ? (raw.kind as ScenarioKind) : fail(file, name, 'kind', raw.kind, `use one of ${SCENARIO_KINDS.join(', ')}`);
  const protocol = raw.protocol === undefined ? DEFAULTS.protocol : raw.protocol === '3.1.1' || raw.protocol === '5' ? raw.protocol : fail(file, name, 'protocol', raw.protocol, 'use "3.1.1" or "5"');
  const transport = raw.transport === undefined ? DEFAULTS.transport : raw.transport === 'plain' || raw.transport === 'tls' ? raw.transport : fail(file, name, 'transport', raw.transport, 'use "plain" or "tls"');
  const topology = raw.topology === undefined ? DEFAULTS.topology : (TOPOLOGIES as readonly unknown[]).includes(raw.topology) ? (raw.topology as Topology) : fail(file, name, 'topology', raw.topology, `use one of ${TOPOLOGIES.join(', ')}`);
  if (topology === 'shared' && protocol !== '5') fail(file, name, 'topology', topology, 'shared subscriptions need protocol "5"');
  const qos = (int(file, name, raw, 'qos', 0, 2) ?? DEFAULTS.qos) as 0 | 1 | 2;
  const payloadBytes = int(file, name, raw, 'payloadBytes', HEADER_BYTES, 16 * 1024 * 1024) ?? DEFAULTS.payloadBytes;
  const ratePerSec = int(file, name, raw, 'ratePerSec', 1, 1_000_000);
  let rateFraction: Scenario['rateFraction'];
  if (raw.rateFraction !== undefined) {
    const rf = raw.rateFraction as Raw;
    if (typeof rf !== 'object' || typeof rf.of !== 'string' || typeof rf.fraction !== 'number' || rf.fraction <= 0 || rf.fraction > 1) {
      fail(file, name, 'rateFraction', raw.rateFraction, 'use { "of": "<throughput scenario>", "fraction": 0.5 }');
    }
    rateFraction = { of: rf.of, fraction: rf.fraction };
  }
  const count = int(file, name, raw, 'count', 1, 100_000);
  const maxSteps = int(file, name, raw, 'maxSteps', 1, 20);
  const num = (field: string, min: number, max: number): number | undefined => {
    const v = raw[field];
    if (v !== undefined && (typeof v !== 'number' || !(v >= min && v <= max))) fail(file, name, field, v, `use a number from ${min} to ${max}`);
    return v as number | undefined;
  };
  const rateFactor = num('rateFactor', 1.1, 10);
  const p99BoundMs = num('p99BoundMs', 0.01, 60_000);
  const inFlightWindow = int(file, name, raw, 'inFlightWindow', 1, 65_535);
  const warmupMs = int(file, name, raw, 'warmupMs', 0, 60_000);
  const retries = int(file, name, raw, 'retries', 0, 5);
  const scenario: Scenario = {
    name,
    kind,
    description: typeof raw.description === 'string' ? raw.description : DEFAULTS.description,
    byDefault: raw.byDefault === true,
    protocol,
    transport,
    qos,
    payloadBytes,
    topology,
    clients: int(file, name, raw, 'clients', 1, 1000) ?? DEFAULTS.clients,
    inflight: int(file, name, raw, 'inflight', 1, 65_535) ?? DEFAULTS.inflight,
    ...(ratePerSec ? { ratePerSec } : {}),
    ...(rateFraction ? { rateFraction } : {}),
    ...(inFlightWindow !== undefined ? { inFlightWindow } : {}),
    ...(rateFactor !== undefined ? { rateFactor } : {}),
    ...(maxSteps !== undefined ? { maxSteps } : {}),
    ...(p99BoundMs !== undefined ? { p99BoundMs } : {}),
    ...(warmupMs !== undefined ? { warmupMs } : {}),
    ...(retries !== undefined ? { retries } : {}),
    durationMs: int(file, name, raw, 'durationMs', 100, 3_600_000) ?? DEFAULTS.durationMs,
    ...(count !== undefined ? { count } : {}),
    ...(raw.workers !== undefined ? { workers: int(file, name, raw, 'workers', 1, 8) } : {}),
  };
  SCENARIO_KIND_REGISTRY[kind].validate(scenario, (field, value, allowed) => fail(file, name, field, value, allowed));
  return scenario;
}

/** Every scenario in a folder: each file holds one scenario object or an array of them. */
export function loadScenarios(dir: string): Scenario[] {
  const out: Scenario[] = [];
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
    const file = path.join(dir, f);
    let data: unknown;
    try {
      data = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new UsageError(`scenario file ${file} is not valid JSON: ${(e as Error).message}`);
    }
    for (const raw of Array.isArray(data) ? data : [data]) out.push(parseScenario(raw as Raw, file));
  }
  const names = new Set<string>();
  for (const s of out) {
    if (names.has(s.name)) throw new UsageError(`scenario name ${s.name} appears twice in ${dir}`);
    names.add(s.name);
  }
  return out;
}

/**
 * --scenario list → scenarios in run order. Words may be exact names, `all`, or a prefix ending in
 * `*` (e.g. `throughput-*`). A latency scenario whose rate is a fraction of another is preceded by it.
 */
export function selectScenarios(all: readonly Scenario[], words: readonly string[] | undefined, durationMs?: number): Scenario[] {
  let chosen: Scenario[];
  if (!words) chosen = all.filter((s) => s.byDefault);
  else {
    chosen = [];
    for (const w of words) {
      const hits = w === 'all' ? [...all] : w.endsWith('*') ? all.filter((s) => s.name.startsWith(w.slice(0, -1))) : all.filter((s) => s.name === w);
      if (!hits.length) throw new UsageError(`--scenario "${w}" matches no scenario; known: ${all.map((s) => s.name).join(', ')}`);
      for (const h of hits) if (!chosen.includes(h)) chosen.push(h);
    }
  }
  const ordered: Scenario[] = [];
  for (const s of chosen) {
    if (s.rateFraction) {
      const ref = all.find((x) => x.name === s.rateFraction!.of);
      if (!ref || ref.kind !== 'throughput') throw new UsageError(`scenario ${s.name}: rateFraction.of "${s.rateFraction.of}" is not a throughput scenario`);
      if (!ordered.includes(ref)) ordered.push(ref);
    }
    if (!ordered.includes(s)) ordered.push(s);
  }
  // Throughput first (latency rates may refer to it), connection storms last (they leave the broker busy).
  const rank = (s: Scenario) => SCENARIO_KINDS.indexOf(s.kind) * 2 + (s.rateFraction ? 1 : 0);
  ordered.sort((a, b) => rank(a) - rank(b));
  return durationMs ? ordered.map((s) => ({ ...s, durationMs })) : ordered;
}
