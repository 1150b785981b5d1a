// ejabberd (mod_mqtt): local process (Debian bookworm's 23.01) or container (Debian trixie's 24.12,
// .ci/trixie/ejabberd.recipe). Both run `erl` directly — ejabberdctl switches to user ejabberd as root
// and exits 7 as anyone else — with ERL_LIBS pointing at the packaged applications,
// EJABBERD_CONFIG_PATH/EJABBERD_LOG_PATH and a mnesia dir in the broker's work dir, and the run's users
// registered by an `-eval` after start (ejabberdErl). Local: its own epmd on loopback
// (lib/drivers/erlang-node.ts); container: the VM's own epmd inside, on the container's loopback, gone
// with the container. About 2 s here.
import fs from 'node:fs';
import path from 'node:path';
import { withFreshPorts } from '../drivers/free-port.ts';
import { startBrokerProcess } from '../drivers/broker-process.ts';
import { LOOPBACK_DIST_ARGS, withEpmd, uniqueNodeName } from '../drivers/erlang-node.ts';
import { findBinary } from '../drivers/resolve-driver.ts';
import type { Capabilities, ListenerName, StandardListenerName, StartedBroker, StartOptions, TargetDescriptor } from '../core/broker.ts';
import { LISTENER_NAMES } from '../core/broker.ts';
import { listenerInfo, missingListeners } from '../core/listener-url.ts';
import { credentialsOn, harnessUser, standardUsers, type BrokerUser } from './broker-users.ts';
import { containerPortsFor, pemsFrom, startContainerPlan } from './container-target.ts';
import { trixieImage } from './target-versions.ts';
import {
  EJABBERD_HOST,
  EJABBERD_USERS_FAILED,
  EJABBERD_USERS_READY,
  ejabberdRegisterExpression,
  ejabberdVersionFrom,
  renderEjabberdConfig,
} from './ejabberd-config.ts';

/** The image .ci/trixie/ejabberd.recipe builds (`ejabberd@24.12`; .ci/build-trixie-image.sh ejabberd):
 * Debian's layout, not ProcessOne's, so both drivers start the broker the same way. */
export const EJABBERD_IMAGE = trixieImage('ejabberd')?.image ?? 'localhost/ejabberd:trixie';
/** Where Debian installs ejabberd and its Erlang dependencies (ejabberdctl's ERL_LIBS). */
export const EJABBERD_ERL_LIBS = '/usr/lib/x86_64-linux-gnu';

export const ejabberdCapabilities: Capabilities = {
  protocols: ['3.1.1', '5'],
  maxQos: 2,
  retain: true,
  wildcards: true,
  sharedSubscriptions: false,
  sysTopics: false,
  willMessages: true,
  persistentSessions: true,
  tls: true,
  // Declared because the listener is configured as documented (tls_verify); whether ejabberd really
  // refuses clients without a certificate is for the TLS suite to find out.
  clientCertificates: true,
  crl: false,
  passwordAuth: true,
  acl: true,
  notes: {
    sharedSubscriptions: 'ejabberd 23.01 mod_mqtt refuses $share subscriptions (shared-subscriptions-not-supported)',
    sysTopics: 'ejabberd publishes no $SYS topics',
    crl: 'ejabberd has no CRL option for MQTT listeners',
  },
};

const READY = new RegExp(EJABBERD_USERS_READY);
const FATAL = new RegExp(`${EJABBERD_USERS_FAILED}|Failed to start|eaddrinuse|Invalid value of option|crash_report|init terminating`);

export function ejabberdListeners(hasPki: boolean): StandardListenerName[] {
  return LISTENER_NAMES.filter((n) => n === 'plain' || n === 'auth' || hasPki);
}

const noPki = 'needs the per-run PKI';

// ejabberd 23.01 has no anonymous MQTT and no certificate login (empty password + tls_verify came
// later): every connection needs a password. Clients on plain/tls/mtls that bring no user name log in
// as the harness, so on mtls what is tested is the certificate check alone; the certificate's CN
// does not become the user, which the auth suite reports.
const harnessCredentials = (harness: BrokerUser) => credentialsOn(harness, ['plain', 'tls', 'mtls']);

async function startLocal(o: StartOptions): Promise<StartedBroker> {
  const dir = o.assets.workDir;
  const harness = harnessUser();
  const users = [harness, ...standardUsers()];
  const open = ejabberdListeners(Boolean(o.assets.pki));
  const credentials = harnessCredentials(harness);
  return withEpmd(o.target, (epmd) =>
    // Another process may take a probed port before ejabberd binds it: withFreshPorts tries again.
    withFreshPorts(4, /eaddrinuse/i, async ([plain, tls, mtls, auth]) => {
      const ports: Record<StandardListenerName, number> = { plain, tls, mtls, auth };
      const configFile = path.join(dir, 'ejabberd.yml');
      fs.writeFileSync(configFile, renderEjabberdConfig({ bind: '127.0.0.1', ports, users, pki: o.assets.pki }), { mode: 0o600 });
      const erl = ejabberdErl({ dir, configFile, nodeName: uniqueNodeName(o.target), users });
      fs.mkdirSync(erl.mnesiaDir, { recursive: true });
      const proc = await startBrokerProcess({
        target: o.target,
        command: findBinary('erl') ?? 'erl',
        args: erl.args,
        logFile: o.assets.logFile,
        ready: READY,
        fatal: FATAL,
        timeoutMs: 30_000,
        spawn: { cwd: dir, env: { ...process.env, ...erl.env, ...epmd.env } },
      });
      return {
        target: o.target,
        driver: 'local',
        brokerVersion: ejabberdVersionFrom(proc.output()),
        listeners: Object.fromEntries(open.map((n) => [n, listenerInfo(n, '127.0.0.1', ports[n], credentials[n])])),
        missingListeners: missingListeners(open, noPki),
        capabilities: ejabberdCapabilities,
        logFile: o.assets.logFile,
        pid: proc.child.pid,
        isAlive: proc.isAlive,
        stop: async () => {
          try { await proc.stop(10_000); } finally { await epmd.stop(); }
        },
      };
    }));
}

/**
 * The VM both drivers run: ejabberd from Debian's ERL_LIBS with the harness's ejabberd.yml, mnesia,
 * log and crash dump in `dir`, distribution on loopback, the users registered once it is up.
 */
export function ejabberdErl(o: { dir: string; configFile: string; nodeName: string; users: BrokerUser[] }) {
  const mnesiaDir = path.posix.join(o.dir, 'mnesia');
  return {
    mnesiaDir,
    args: ['-sname', o.nodeName, '-noinput', ...LOOPBACK_DIST_ARGS, '-mnesia', 'dir', JSON.stringify(mnesiaDir), '-s', 'ejabberd', '-eval', ejabberdRegisterExpression(o.users)],
    env: {
      HOME: o.dir,
      ERL_LIBS: EJABBERD_ERL_LIBS,
      EJABBERD_CONFIG_PATH: o.configFile,
      EJABBERD_LOG_PATH: path.posix.join(o.dir, 'ejabberd.log'),
      ERL_CRASH_DUMP: path.posix.join(o.dir, 'erl_crash.dump'),
    },
  };
}

const IN_CONTAINER = '/harness';

/** Files, command, env and ports for the trixie image: the same config and VM as the local driver,
 * for in-container paths and ports, the run's PKI copied in as PEM. */
export function ejabberdContainerSpec(users: BrokerUser[], open: ListenerName[], pems?: Record<'ca' | 'cert' | 'key', string>) {
  const dir = IN_CONTAINER;
  const ports = containerPortsFor(open);
  const pki = pems ? { caFile: `${dir}/ca.pem`, serverCertFile: `${dir}/server.pem`, serverKeyFile: `${dir}/server-key.pem` } : undefined;
  const configFile = `${dir}/ejabberd.yml`;
  const erl = ejabberdErl({ dir, configFile, nodeName: uniqueNodeName('ejabberd'), users });
  const files: { content: string; target: string }[] = [
    { content: renderEjabberdConfig({ bind: '0.0.0.0', ports, users, pki }), target: configFile },
  ];
  if (pems && pki) files.push({ content: pems.ca, target: pki.caFile }, { content: pems.cert, target: pki.serverCertFile }, { content: pems.key, target: pki.serverKeyFile });
  return {
    files,
    // mnesia wants its directory to exist; exec keeps erl as the container's main process.
    entrypoint: ['sh', '-c', `mkdir -p ${erl.mnesiaDir} && exec erl "$@"`, 'erl', ...erl.args],
    // The VM starts its own epmd: loopback only, inside the container.
    env: { ...erl.env, ERL_EPMD_ADDRESS: '127.0.0.1' },
    /** In-container port per open listener (ContainerPlan.listenerPorts). */
    listenerPorts: ports,
  };
}

async function startContainer(o: StartOptions): Promise<StartedBroker> {
  const harness = harnessUser();
  const pems = pemsFrom(o);
  const open = ejabberdListeners(Boolean(pems));
  const spec = ejabberdContainerSpec([harness, ...standardUsers()], open, pems);
  return startContainerPlan({
    image: o.image ?? EJABBERD_IMAGE,
    entrypoint: spec.entrypoint,
    env: spec.env,
    files: spec.files,
    listenerPorts: spec.listenerPorts,
    missing: missingListeners(open, noPki),
    credentials: harnessCredentials(harness),
    ready: READY,
    timeoutMs: 90_000,
  }, o, ejabberdCapabilities, ejabberdVersionFrom);
}

export const ejabberdTarget: TargetDescriptor = {
  name: 'ejabberd',
  title: 'ejabberd (mod_mqtt)',
  capabilities: ejabberdCapabilities,
  defaultImage: EJABBERD_IMAGE,
  defaultDriver: 'container-or-local',
  debianPackage: 'ejabberd',
  drivers: {
    local: { binary: 'ejabberdctl', start: startLocal },
    container: { start: startContainer },
  },
};
