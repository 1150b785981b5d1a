// The part every container-only target shares: a pure `ContainerPlan` (image, files, env, ports per
// listener, readiness line) that unit tests check, and one function that starts it. The plan is
// rendered for in-container paths and fixed in-container ports; the engine maps them to host ports.
import fs from 'node:fs';
import type { Capabilities, ListenerInfo, ListenerName, StartedBroker, StartOptions } from '../core/broker.ts';
import { LISTENER_NAMES } from '../core/broker.ts';
import { startContainerBroker } from '../drivers/container-driver.ts';

export interface ContainerPlan {
  target: string;
  image: string;
  command?: string[];
  entrypoint?: string[];
  env: Record<string, string>;
  files: { content: string; target: string; mode?: number }[];
  /** In-container port per listener this plan opens (several roles may share one port). */
  listenerPorts: Partial<Record<ListenerName, number>>;
  /** Why each listener the plan does not open is missing. */
  missing: Partial<Record<ListenerName, string>>;
  /** Credentials clients must bring on a listener when the broker has no anonymous access there. */
  credentials?: Partial<Record<ListenerName, { username: string; password: string }>>;
  ready: RegExp;
  timeoutMs: number;
}

/** mqtt:// or mqtts:// URL; TLS listeners use `localhost`, the name the server certificate carries. */
export function listenerInfoFor(name: ListenerName, host: string, port: number, credentials?: { username: string; password: string }): ListenerInfo {
  const tls = name === 'tls' || name === 'mtls';
  const urlHost = tls ? 'localhost' : host;
  return {
    name,
    host: urlHost,
    port,
    tls,
    url: `${tls ? 'mqtts' : 'mqtt'}://${urlHost}:${port}`,
    ...(credentials ? { credentials } : {}),
  };
}

export async function startContainerPlan(
  plan: ContainerPlan,
  o: StartOptions,
  capabilities: Capabilities,
  versionFrom: (log: string) => string,
): Promise<StartedBroker> {
  const open = LISTENER_NAMES.filter((n) => plan.listenerPorts[n] !== undefined);
  const started = await startContainerBroker({
    target: plan.target,
    runId: o.runId,
    image: plan.image,
    command: plan.command,
    entrypoint: plan.entrypoint,
    env: plan.env,
    files: plan.files,
    ports: [...new Set(open.map((n) => plan.listenerPorts[n]!))],
    ready: plan.ready,
    logFile: o.assets.logFile,
    timeoutMs: plan.timeoutMs,
  });
  return {
    target: plan.target,
    driver: 'container',
    image: plan.image,
    brokerVersion: versionFrom(started.logText()),
    listeners: Object.fromEntries(
      open.map((n) => [n, listenerInfoFor(n, started.host, started.mappedPort(plan.listenerPorts[n]!), plan.credentials?.[n])]),
    ),
    missingListeners: plan.missing,
    capabilities,
    logFile: o.assets.logFile,
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
