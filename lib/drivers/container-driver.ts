// Container driver (needs a container engine that speaks the Docker API, found via DOCKER_HOST).
// Waits on a log line, not forListeningPorts, which leaves helper processes behind for minutes.
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { BrokerStartError, EngineUnavailableError } from '../core/errors.ts';

export interface ContainerBrokerSpec {
  target: string;
  /** Labels the container with the run id, so a self-test can prove nothing is left behind. */
  runId: string;
  image: string;
  command?: string[];
  entrypoint?: string[];
  env?: Record<string, string>;
  files: { content: string | Buffer; target: string; mode?: number }[];
  ports: number[];
  ready: RegExp;
  logFile: string;
  timeoutMs: number;
}

export interface RunningContainer {
  id: string;
  host: string;
  mappedPort(port: number): number;
  logText(): string;
  isAlive(): boolean;
  stop(): Promise<void>;
}

type Testcontainers = typeof import('testcontainers');
let loaded: Promise<Testcontainers> | undefined;
/** testcontainers is loaded lazily: runs that never touch containers do not pay for it. */
function testcontainers(): Promise<Testcontainers> {
  loaded ??= import('testcontainers');
  return loaded;
}

/** Quick probe used to pick the default driver: true when an engine answers a ping. */
export async function containerEngineAnswers(timeoutMs = 3000): Promise<boolean> {
  try {
    await withTimeout(probeEngine(), timeoutMs);
    return true;
  } catch {
    return false;
  }
}

async function probeEngine(): Promise<void> {
  const { getContainerRuntimeClient } = await testcontainers();
  await getContainerRuntimeClient();
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}

export async function requireContainerEngine(): Promise<void> {
  try {
    // testcontainers asks the engine several questions before it answers; on a loaded machine (load 20+
    // on 2 cores, seen here) that took more than 10 s against a podman that answered _ping at once.
    await withTimeout(probeEngine(), 30_000);
  } catch (e) {
    const where = process.env.DOCKER_HOST ? `DOCKER_HOST=${process.env.DOCKER_HOST}` : 'DOCKER_HOST is not set';
    throw new EngineUnavailableError(`${where}: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** Whether the engine has this image (a locally built one: nothing here can be pulled). */
export async function imageExists(image: string): Promise<boolean> {
  const { getContainerRuntimeClient, ImageName } = await testcontainers();
  const client = await getContainerRuntimeClient();
  return client.image.exists(ImageName.fromString(image));
}

export async function startContainerBroker(spec: ContainerBrokerSpec): Promise<RunningContainer> {
  await requireContainerEngine();
  const { GenericContainer, Wait } = await testcontainers();
  let container = new GenericContainer(spec.image)
    .withExposedPorts(...spec.ports)
    .withCopyContentToContainer(spec.files.map((f) => ({ content: f.content, target: f.target, mode: f.mode })))
    .withWaitStrategy(Wait.forLogMessage(spec.ready))
    .withStartupTimeout(spec.timeoutMs)
    .withLabels({ 'mqtt-harness.run': spec.runId, 'mqtt-harness.target': spec.target });
  if (spec.command) container = container.withCommand(spec.command);
  if (spec.entrypoint) container = container.withEntrypoint(spec.entrypoint);
  if (spec.env) container = container.withEnvironment(spec.env);

  let started;
  try {
    started = await container.start();
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0];
    const hint = /pull|not found|manifest|registry|resolve|no such image|image not known/i.test(msg)
      ? '; the image is not present and could not be pulled: build it locally and pass --image <ref>, or use --driver local'
      : '';
    throw new BrokerStartError(spec.target, `container ${spec.image} failed to start: ${msg}${hint}`);
  }

  let text = '';
  let alive = true;
  const log = fs.createWriteStream(spec.logFile, { flags: 'a' });
  const stream: Readable = await started.logs();
  stream.on('data', (chunk: Buffer | string) => {
    const s = chunk.toString();
    text += s;
    log.write(s);
  });
  stream.on('end', () => { alive = false; });
  // Give the log stream a moment to replay the lines the wait strategy already saw.
  await new Promise<void>((resolve) => {
    if (spec.ready.test(text)) return resolve();
    const t = setTimeout(resolve, 1000);
    stream.on('data', () => { if (spec.ready.test(text)) { clearTimeout(t); resolve(); } });
  });

  return {
    id: started.getId(),
    host: started.getHost(),
    mappedPort: (p) => started.getMappedPort(p),
    logText: () => text,
    isAlive: () => alive,
    stop: async () => {
      alive = false;
      stream.destroy();
      await started.stop({ timeout: 2000, remove: true, removeVolumes: true }).catch(() => {});
      await new Promise<void>((r) => log.end(() => r()));
    },
  };
}
