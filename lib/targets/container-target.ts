// The part every container target shares: a pure `ContainerPlan` (image, files, env, ports per
// listener, readiness line) that unit tests check, and one function that starts it. The plan is
// rendered for in-container paths and fixed in-container ports; the engine maps them to host ports.
import fs from 'node:fs';
import type { Capabilities, ListenerName, StandardListenerName, StartedBroker, StartOptions } from '../core/broker.ts';
import { ALL_LISTENER_NAMES } from '../core/broker.ts';
import { extraTlsListenerInfo, listenerInfo } from '../core/listener-url.ts';
import { startContainerBroker } from '../drivers/container-driver.ts';

export interface ContainerPlan {
  image: string;
  command?: string[];
  entrypoint?: string[];
  env: Record<string, string>;
  files: { content: string | Buffer; target: string; mode?: number }[];
  /** In-container port per listener this plan opens (several roles may share one port). */
  listenerPorts: Partial<Record<ListenerName, number>>;
  /** In-container ports of TLS listeners beyond the standard four (`tls-bad-<scenario>`), by name. */
  extraListenerPorts?: Record<string, number>;
  /** Why each listener the plan does not open is missing. */
  missing: Partial<Record<ListenerName, string>>;
  /** Credentials clients must bring on a listener when the broker has no anonymous access there. */
  credentials?: Partial<Record<ListenerName, { username: string; password: string }>>;
  ready: RegExp;
  timeoutMs: number;
}

/** In-container port per listener. Every image gets the same ones (MQTT's registered 1883/8883, +1 for
 * the second role; ws/wss where a target opens them on test.mosquitto.org's 8080/8081), so plans and
 * configs read alike; the engine maps each to a free host port. */
export const CONTAINER_PORTS: Readonly<Record<StandardListenerName | 'ws' | 'wss', number>> = { plain: 1883, tls: 8883, mtls: 8884, auth: 1884, ws: 8080, wss: 8081 };

/** CONTAINER_PORTS for the listeners a plan opens (ContainerPlan.listenerPorts). */
export function containerPortsFor(open: readonly ListenerName[]): Partial<Record<ListenerName, number>> {
  return Object.fromEntries(open.map((n) => [n, CONTAINER_PORTS[n as keyof typeof CONTAINER_PORTS]]));
}

/** Starts a plan under the container driver; every container target's StartedBroker comes from here. */
export async function startContainerPlan(
  plan: ContainerPlan,
  o: StartOptions,
  capabilities: Capabilities,
  versionFrom: (log: string) => string,
): Promise<StartedBroker> {
  // Every listener the plan opens, ws/wss included (the standard four alone dropped mosquitto's).
  const open = ALL_LISTENER_NAMES.filter((n) => plan.listenerPorts[n] !== undefined);
  const extras = Object.entries(plan.extraListenerPorts ?? {});
  const started = await startContainerBroker({
    target: o.target,
    runId: o.runId,
    image: plan.image,
    command: plan.command,
    entrypoint: plan.entrypoint,
    env: plan.env,
    files: plan.files,
    ports: [...new Set([...open.map((n) => plan.listenerPorts[n]!), ...extras.map(([, port]) => port)])],
    ready: plan.ready,
    logFile: o.assets.logFile,
    timeoutMs: plan.timeoutMs,
  });
  return {
    target: o.target,
    driver: 'container',
    image: plan.image,
    brokerVersion: versionFrom(started.logText()),
    listeners: Object.fromEntries(
      open.map((n) => [n, listenerInfo(n, started.host, started.mappedPort(plan.listenerPorts[n]!), plan.credentials?.[n])]),
    ),
    missingListeners: plan.missing,
    ...(extras.length ? { extraListeners: Object.fromEntries(extras.map(([n, port]) => [n, extraTlsListenerInfo(n, started.mappedPort(port))])) } : {}),
    capabilities,
    logFile: o.assets.logFile,
    containerId: started.id,
    isAlive: started.isAlive,
    stop: started.stop,
  };
}

/** The run's PKI as PEM text, to copy into a container (host paths mean nothing inside it). */
export function pemsFrom(o: StartOptions): Record<'ca' | 'cert' | 'key', string> | undefined {
  const pki = o.assets.pki;
  if (!pki) return undefined;
  return { ca: fs.readFileSync(pki.caFile, 'utf8'), cert: fs.readFileSync(pki.serverCertFile, 'utf8'), key: fs.readFileSync(pki.serverKeyFile, 'utf8') };
}
