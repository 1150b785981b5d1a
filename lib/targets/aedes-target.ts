// aedes (npm, MQTT 3.1.1 only): the embedded default, in-process; or a Node child process (local).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startAedesBroker, type AedesBrokerOptions } from './aedes-broker.ts';
import { aedesPolicyHooks } from './aedes-policy.ts';
import { startBrokerProcess } from '../drivers/broker-process.ts';
import type { Capabilities, ListenerName, StartedBroker, StartOptions, TargetDescriptor } from '../core/broker.ts';
import { LISTENER_NAMES } from '../core/broker.ts';
import { extraTlsListenerInfo, listenerInfo, missingListeners } from '../core/listener-url.ts';

// aedes' package.json is not in its "exports"; read it next to the resolved entry point.
const require = createRequire(import.meta.url);
export const AEDES_VERSION: string = (JSON.parse(
  fs.readFileSync(path.join(path.dirname(require.resolve('aedes')), 'package.json'), 'utf8'),
) as { version: string }).version;

export const aedesCapabilities: Capabilities = {
  protocols: ['3.1.1'],
  maxQos: 2,
  retain: true,
  wildcards: true,
  sharedSubscriptions: false,
  sysTopics: true,
  willMessages: true,
  persistentSessions: true,
  tls: true,
  clientCertificates: true,
  crl: true,
  passwordAuth: true,
  acl: true,
  notes: { sharedSubscriptions: 'aedes 1.x speaks MQTT 3.1.1 only; shared subscriptions are an MQTT 5 feature' },
};

const noPki = 'the run has no PKI for it';

/** Broker options for the run's PKI and test policy (the hooks are added where the broker runs). */
function brokerOptions(o: StartOptions): Omit<AedesBrokerOptions, 'hooks' | 'log'> {
  const misconfig = o.misconfiguration;
  const pki = o.assets.pki;
  const hold = misconfig === 'hold-malformed-open' ? { holdMalformedOpen: true } : {};
  if (!pki) return { host: '127.0.0.1', ...hold };
  return {
    host: '127.0.0.1',
    ...hold,
    tls: {
      caFile: pki.caFile,
      certFile: pki.serverCertFile,
      keyFile: pki.serverKeyFile,
      crlFile: misconfig === 'no-crl' ? undefined : pki.crlFile,
      tlsListenerCertFile: misconfig === 'tls-expired-cert' ? pki.expiredServerCertFile
        : misconfig === 'tls-foreign-server-cert' ? pki.foreignServerCertFile : undefined,
      requireCertificate: misconfig !== 'no-require-certificate',
      ...(misconfig === 'tls-weak-protocols' ? { weakProtocols: true } : {}),
      ...(misconfig === 'tls12-only' ? { tlsVersions: { max: 'TLSv1.2' } } : {}),
      ...(misconfig === 'tls13-only' ? { tlsVersions: { min: 'TLSv1.3' } } : {}),
      ...(misconfig === 'mtls-wrong-ca' && pki.foreignCaFile ? { mtlsCaFiles: [pki.foreignCaFile] } : {}),
      ...(misconfig === 'mtls-trusts-foreign-ca' && pki.foreignCaFile ? { mtlsCaFiles: [pki.caFile, pki.foreignCaFile] } : {}),
      ...(misconfig === 'mtls-ignores-validity' ? { ignoreClientCertDates: true } : {}),
      ...(misconfig === 'mtls-accepts-any-cert' ? { acceptAnyClientCert: true } : {}),
      ...(misconfig === 'tls-hold-malformed-open' ? { holdMalformedOpen: true } : {}),
      badServerCerts: misconfig === 'bad-listeners-serve-good-cert'
        ? Object.fromEntries(Object.keys(pki.badServerCerts ?? {}).map((k) => [k, pki.serverCertFile]))
        : pki.badServerCerts,
    },
  };
}

// aedes takes any duplex stream; the WebSocket server would be the harness's own (ws), so the
// MQTT-6.0.0 tests would check the harness, not the broker.
const noWebSocket = 'aedes has no WebSocket server of its own: a WebSocket layer the harness wrapped around it would be what the section 6 tests check';

function started(o: StartOptions, driver: 'embedded' | 'local', ports: Partial<Record<ListenerName, number>>, extraPorts: Record<string, number>,
  rest: Pick<StartedBroker, 'isAlive' | 'stop' | 'pid'>): StartedBroker {
  const open = LISTENER_NAMES.filter((n) => ports[n] !== undefined);
  return {
    target: o.target,
    driver,
    brokerVersion: AEDES_VERSION,
    listeners: Object.fromEntries(open.map((n) => [n, listenerInfo(n, '127.0.0.1', ports[n]!)])),
    missingListeners: { ...missingListeners(open, noPki), ws: noWebSocket, wss: noWebSocket },
    extraListeners: Object.fromEntries(Object.entries(extraPorts).map(([n, port]) => [n, extraTlsListenerInfo(n, port)])),
    capabilities: aedesCapabilities,
    logFile: o.assets.logFile,
    ...rest,
  };
}

async function startEmbedded(o: StartOptions): Promise<StartedBroker> {
  const log = fs.createWriteStream(o.assets.logFile, { flags: 'a' });
  const broker = await startAedesBroker({
    ...brokerOptions(o),
    hooks: aedesPolicyHooks(o.misconfiguration),
    log: (l) => log.write(`${new Date().toISOString()} ${l}\n`),
  });
  let alive = true;
  return started(o, 'embedded', broker.ports, broker.extraPorts, {
    pid: process.pid,
    isAlive: () => alive,
    stop: async () => {
      alive = false;
      await broker.close();
      await new Promise<void>((r) => log.end(() => r()));
    },
  });
}

async function startLocal(o: StartOptions): Promise<StartedBroker> {
  const optionsFile = path.join(o.assets.workDir, 'aedes.json');
  fs.writeFileSync(optionsFile, JSON.stringify({ ...brokerOptions(o), policy: true, misconfig: o.misconfiguration }), { mode: 0o600 });
  const entry = fileURLToPath(new URL('./aedes-process.ts', import.meta.url));
  const proc = await startBrokerProcess({
    target: o.target,
    command: process.execPath,
    args: ['--import', 'tsx', entry, optionsFile],
    logFile: o.assets.logFile,
    ready: /^aedes-ready /,
    timeoutMs: 15_000,
  });
  const { ports, extraPorts } = JSON.parse(proc.readyLine.replace(/^aedes-ready /, '')) as { ports: Partial<Record<ListenerName, number>>; extraPorts: Record<string, number> };
  return started(o, 'local', ports, extraPorts, { pid: proc.child.pid, isAlive: proc.isAlive, stop: () => proc.stop() });
}

export const aedesTarget: TargetDescriptor = {
  name: 'aedes',
  title: 'aedes (Node.js)',
  capabilities: aedesCapabilities,
  defaultDriver: 'embedded',
  drivers: {
    embedded: { start: startEmbedded },
    local: { start: startLocal },
  },
};
