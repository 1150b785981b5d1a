// RabbitMQ 3.10 with the MQTT plugin: local process (Debian's rabbitmq-server) or container.
// Local: runs /usr/lib/rabbitmq/bin/rabbitmq-server directly (the /usr/sbin wrapper switches user and
// logs to /var/log), with its own HOME (Erlang cookie), config, mnesia and log dirs in the broker's work
// dir, and its own epmd on loopback (see lib/drivers/erlang-node.ts). Ready on "Server startup
// complete": the MQTT port opens slightly before the definitions (users) are loaded. 11–14 s here.
import fs from 'node:fs';
import path from 'node:path';
import { withFreshPorts } from '../drivers/free-port.ts';
import { startBrokerProcess } from '../drivers/broker-process.ts';
import { findBeam, killIfAlive, withEpmd, uniqueNodeName } from '../drivers/erlang-node.ts';
import { containerPortsFor, pemsFrom, startContainerPlan } from './container-target.ts';
import type { Capabilities, ListenerName, StandardListenerName, StartedBroker, StartOptions, TargetDescriptor } from '../core/broker.ts';
import { LISTENER_NAMES } from '../core/broker.ts';
import { versionInRange } from '../results/version-range.ts';
import { listenerInfo, missingListeners } from '../core/listener-url.ts';
import { credentialsOn, harnessUser, standardUsers } from './broker-users.ts';
import {
  RABBITMQ_ENABLED_PLUGINS,
  rabbitmqEnv,
  rabbitmqVersionFrom,
  renderRabbitmqConfig,
  renderRabbitmqDefinitions,
  type RabbitmqUser,
} from './rabbitmq-config.ts';

/** Official image; the MQTT plugin is enabled by the generated enabled_plugins file. */
export const RABBITMQ_IMAGE = 'rabbitmq:3.10.8';
export const RABBITMQ_SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';

export const rabbitmqCapabilities: Capabilities = {
  protocols: ['3.1.1'],
  maxQos: 1,
  retain: true,
  wildcards: true,
  sharedSubscriptions: false,
  sysTopics: false,
  willMessages: true,
  persistentSessions: true,
  tls: true,
  clientCertificates: false,
  crl: false,
  passwordAuth: true,
  acl: true,
  notes: {
    sharedSubscriptions: 'RabbitMQ 3.10 speaks MQTT 3.1.1 only; $share subscriptions are an MQTT 5 feature',
    sysTopics: 'RabbitMQ publishes no $SYS topics',
    clientCertificates:
      'RabbitMQ ssl_options are node-wide: one node offers either a TLS listener without client certificates or one requiring them; the harness starts the former',
    crl: 'RabbitMQ ssl_options are node-wide and the harness starts the listener without client certificates',
  },
};

/**
 * RabbitMQ speaks MQTT 5.0 since 3.13 (docs "MQTT Plugin": Subscription Identifiers, Will Delay,
 * Topic Alias, Message Expiry; no shared subscriptions, QoS 2 granted as 1). The version the broker
 * reports decides, so the Debian trixie 4.0.5 image runs the v5 suites and the host's 3.10.8 does not.
 */
export function rabbitmqCapabilitiesFor(version: string): Capabilities {
  if (!versionInRange(version, '>=3.13')) return rabbitmqCapabilities;
  return {
    ...rabbitmqCapabilities,
    protocols: ['3.1.1', '5'],
    subscriptionIdentifiers: true,
    notes: { ...rabbitmqCapabilities.notes, sharedSubscriptions: 'RabbitMQ does not implement MQTT 5 shared subscriptions ($share/...)' },
  };
}

const READY = /Server startup complete/;
const FATAL = /BOOT FAILED|eaddrinuse|Failed to start Ranch listener|could not start|ERROR: could not/;

/** Listeners one node opens: tcp plain and auth (same rules), no TLS until a PKI is given. */
export function rabbitmqListeners(hasPki: boolean): StandardListenerName[] {
  return LISTENER_NAMES.filter((n) => n === 'plain' || n === 'auth' || (n === 'tls' && hasPki));
}

/** Why a listener is missing; only tls and mtls ever are. */
function missingReasons(open: ListenerName[], hasPki: boolean): Partial<Record<ListenerName, string>> {
  return missingListeners(open, (n) => n !== 'mtls'
    ? 'needs the per-run PKI'
    : hasPki
      ? 'RabbitMQ ssl_options are node-wide; this node serves the TLS listener without client certificates'
      : 'needs the per-run PKI; and RabbitMQ ssl_options are node-wide (tls or mtls, not both)');
}

/** Anonymous access is off node-wide, so plain and tls hand clients the harness's user; auth and mtls
 * listeners must see exactly what the client sends. */
const harnessCredentials = (harness: RabbitmqUser) => credentialsOn(harness, ['plain', 'tls']);

function writePrivate(file: string, content: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content, { mode: 0o600 });
  return file;
}

async function startLocal(o: StartOptions): Promise<StartedBroker> {
  const dir = o.assets.workDir;
  const harness = harnessUser();
  const users = [harness, ...standardUsers()];
  const open = rabbitmqListeners(Boolean(o.assets.pki));
  const credentials = harnessCredentials(harness);
  return withEpmd(o.target, (epmd) =>
    // Another process may take a probed port before the broker binds it: withFreshPorts tries again.
    withFreshPorts(5, /eaddrinuse/i, async ([plain, tls, auth, nodePort, distPort]) => {
      const ports: Partial<Record<ListenerName, number>> = { plain, auth, ...(open.includes('tls') ? { tls } : {}) };
      const definitionsFile = writePrivate(path.join(dir, 'definitions.json'), JSON.stringify(renderRabbitmqDefinitions(users), null, 2));
      const configFile = writePrivate(path.join(dir, 'rabbitmq.conf'), renderRabbitmqConfig({ bind: '127.0.0.1', ports, definitionsFile, pki: o.assets.pki }));
      const home = path.join(dir, 'home');
      fs.mkdirSync(home, { recursive: true, mode: 0o700 });
      const env = rabbitmqEnv({
        home,
        nodeName: uniqueNodeName(o.target),
        nodePort,
        distPort,
        configFile,
        confEnvFile: writePrivate(path.join(dir, 'rabbitmq-env.conf'), ''),
        enabledPluginsFile: writePrivate(path.join(dir, 'enabled_plugins'), RABBITMQ_ENABLED_PLUGINS),
        mnesiaBase: path.join(dir, 'mnesia'),
        logBase: path.join(dir, 'log'),
        epmdEnv: epmd.env,
      });
      const proc = await startBrokerProcess({
        target: o.target,
        command: RABBITMQ_SERVER,
        args: [],
        logFile: o.assets.logFile,
        ready: READY,
        fatal: FATAL,
        timeoutMs: 60_000,
        spawn: { env: { ...process.env, ...env }, cwd: dir },
      });
      // rabbitmq-server stays as a shell that turns SIGTERM into a clean stop of the VM it started
      // in the background; the VM is what uses CPU and memory, and must not outlive a killed shell.
      const beam = proc.child.pid !== undefined ? findBeam(proc.child.pid) : undefined;
      const brokerVersion = rabbitmqVersionFrom(proc.output());
      return {
        target: o.target,
        driver: 'local',
        brokerVersion,
        listeners: Object.fromEntries(open.map((n) => [n, listenerInfo(n, '127.0.0.1', ports[n]!, credentials[n])])),
        missingListeners: missingReasons(open, Boolean(o.assets.pki)),
        capabilities: rabbitmqCapabilitiesFor(brokerVersion),
        logFile: o.assets.logFile,
        pid: beam ?? proc.child.pid,
        isAlive: proc.isAlive,
        // RabbitMQ shuts down cleanly on SIGTERM but takes a few seconds; epmd goes after it.
        stop: async () => {
          try { await proc.stop(15_000); } finally { killIfAlive(beam); await epmd.stop(); }
        },
      };
    }));
}

/** Files and env for the container: the same renderings, in-container paths (PKI copied in as PEM). */
export function rabbitmqContainerSpec(users: RabbitmqUser[], open: ListenerName[], pems?: Record<'ca' | 'cert' | 'key', string>) {
  const etc = '/etc/rabbitmq';
  const ports = containerPortsFor(open);
  const pki = pems ? { caFile: `${etc}/harness-ca.pem`, serverCertFile: `${etc}/harness-server.pem`, serverKeyFile: `${etc}/harness-server-key.pem` } : undefined;
  const config = renderRabbitmqConfig({ bind: '0.0.0.0', ports, definitionsFile: `${etc}/definitions.json`, pki });
  const files = [
    { content: config, target: `${etc}/rabbitmq.conf` },
    { content: JSON.stringify(renderRabbitmqDefinitions(users), null, 2), target: `${etc}/definitions.json` },
    { content: RABBITMQ_ENABLED_PLUGINS, target: `${etc}/enabled_plugins` },
  ];
  if (pems && pki) {
    files.push({ content: pems.ca, target: pki.caFile }, { content: pems.cert, target: pki.serverCertFile }, { content: pems.key, target: pki.serverKeyFile });
  }
  return {
    files,
    env: {
      RABBITMQ_CONFIG_FILE: `${etc}/rabbitmq.conf`,
      RABBITMQ_ENABLED_PLUGINS_FILE: `${etc}/enabled_plugins`,
      RABBITMQ_LOGS: '-',
      RABBITMQ_NODENAME: 'rabbit@localhost',
    },
    command: ['rabbitmq-server'],
    /** In-container port per open listener (ContainerPlan.listenerPorts). */
    listenerPorts: ports,
  };
}

async function startContainer(o: StartOptions): Promise<StartedBroker> {
  const harness = harnessUser();
  const pems = pemsFrom(o);
  const open = rabbitmqListeners(Boolean(pems));
  const spec = rabbitmqContainerSpec([harness, ...standardUsers()], open, pems);
  const started = await startContainerPlan({
    image: o.image ?? RABBITMQ_IMAGE,
    command: spec.command,
    env: spec.env,
    files: spec.files,
    listenerPorts: spec.listenerPorts,
    missing: missingReasons(open, Boolean(pems)),
    credentials: harnessCredentials(harness),
    ready: READY,
    timeoutMs: 120_000,
  }, o, rabbitmqCapabilities, rabbitmqVersionFrom);
  return { ...started, capabilities: rabbitmqCapabilitiesFor(started.brokerVersion) };
}

export const rabbitmqTarget: TargetDescriptor = {
  name: 'rabbitmq',
  title: 'RabbitMQ (MQTT plugin)',
  capabilities: rabbitmqCapabilities,
  defaultImage: RABBITMQ_IMAGE,
  defaultDriver: 'container-or-local',
  debianPackage: 'rabbitmq-server',
  drivers: {
    local: { binary: 'rabbitmq-server', start: startLocal },
    container: { start: startContainer },
  },
};
