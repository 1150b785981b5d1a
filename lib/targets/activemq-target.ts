// Apache ActiveMQ 5.17 (Classic) with its MQTT transport connector: local process from Debian's
// `activemq` package (needs `libmqtt-client-java` too: the package's activemq-mqtt.jar needs the
// fusesource MQTT codec and hawtdispatch, which it does not depend on; without them every CONNECT dies
// with NoClassDefFoundError). Local: runs `java -jar /usr/share/activemq/bin/activemq.jar start` as the
// calling user — /usr/bin/activemq switches to user activemq and fails silently on root-owned dirs —
// with activemq.base in the broker's work dir: conf/ (activemq.xml, log4j.properties), lib/ (links to
// the codec jars: ActiveMQ puts ${activemq.base}/lib on its class path), data/, PKCS#12 stores.
// Ready on "Apache ActiveMQ 5.17.2 (...) started", 2–8 s here. Container: the same instance layout in
// /harness of an image from Debian trixie (5.17.6, .ci/trixie/activemq.recipe), run as root.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import tls from 'node:tls';
import { withFreshPorts } from '../drivers/free-port.ts';
import { startBrokerProcess } from '../drivers/broker-process.ts';
import { findBinary } from '../drivers/resolve-driver.ts';
import { randomBytes } from 'node:crypto';
import type { Capabilities, ListenerName, PkiPaths, StandardListenerName, StartedBroker, StartOptions, TargetDescriptor } from '../core/broker.ts';
import { LISTENER_NAMES } from '../core/broker.ts';
import { BrokerStartError } from '../core/errors.ts';
import { listenerInfo, missingListeners } from '../core/listener-url.ts';
import { pkcs12KeyStore } from '../pki/pkcs12-store.ts';
import { credentialsOn, harnessUser, standardUsers, type BrokerUser } from './broker-users.ts';
import { containerPortsFor, pemsFrom, startContainerPlan } from './container-target.ts';
import { trixieImage } from './target-versions.ts';
import { ACTIVEMQ_LOG4J_PROPERTIES, activemqVersionFrom, renderActivemqXml, type ActivemqStores } from './activemq-config.ts';

/** The Debian package's launcher jar (activemq.home is its parent's parent). */
export const ACTIVEMQ_RUN_JAR = '/usr/share/activemq/bin/activemq.jar';
/** The codec jars activemq-mqtt needs (Debian: libmqtt-client-java, with its hawtdispatch dependencies). */
export const ACTIVEMQ_MQTT_CODEC_JARS = ['mqtt-client', 'hawtdispatch', 'hawtdispatch-transport'].map((j) => `/usr/share/java/${j}.jar`);

export const activemqCapabilities: Capabilities = {
  protocols: ['3.1.1'],
  maxQos: 2,
  retain: true,
  wildcards: true,
  sharedSubscriptions: false,
  sysTopics: false,
  willMessages: true,
  persistentSessions: true,
  tls: true,
  clientCertificates: true,
  crl: true,
  passwordAuth: true,
  acl: true,
  notes: {
    sharedSubscriptions: 'ActiveMQ 5.17 speaks MQTT 3.1.1 only; $share subscriptions are an MQTT 5 feature',
    sysTopics: 'ActiveMQ publishes broker statistics as ActiveMQ.Advisory / JMX, not as $SYS topics',
  },
};

const READY = /Apache ActiveMQ \S+ \(.*\) started/;
const FATAL = /Address already in use|Failed to start Apache ActiveMQ|BeanCreationException|XmlBeanDefinitionStoreException/;

export function activemqListeners(hasPki: boolean): StandardListenerName[] {
  return LISTENER_NAMES.filter((n) => n === 'plain' || n === 'auth' || hasPki);
}

/** Authentication is broker-wide (anonymous on or off for all connectors): clients that bring no user
 * name log in as the harness on plain, tls and mtls; the auth listener sees exactly what they send. */
const harnessCredentials = (harness: BrokerUser) => credentialsOn(harness, ['plain', 'tls', 'mtls']);

function writePrivate(file: string, content: string | Buffer): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content, { mode: 0o600 });
  return file;
}

/** PKCS#12 key store (node-forge) and trust store (keytool: Java trusts only certificates it marked). */
function javaStores(target: string, dir: string, pki: PkiPaths): ActivemqStores {
  const password = randomBytes(12).toString('hex');
  const keyStore = writePrivate(path.join(dir, 'server.p12'),
    pkcs12KeyStore(fs.readFileSync(pki.serverCertFile, 'utf8'), fs.readFileSync(pki.serverKeyFile, 'utf8'), password));
  const trustStore = path.join(dir, 'trust.p12');
  const keytool = findBinary('keytool');
  if (!keytool) throw new BrokerStartError(target, 'keytool is not installed (it comes with the Java runtime): apt-get install -y default-jre-headless');
  const r = spawnSync(keytool, ['-importcert', '-noprompt', '-alias', 'harness-ca', '-file', pki.caFile, '-keystore', trustStore, '-storetype', 'PKCS12', '-storepass', password], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new BrokerStartError(target, `keytool could not build the trust store: ${(r.stderr || r.stdout || r.error?.message || '').trim()}`);
  return { keyStore, trustStore, password, ...(pki.crlFile ? { crlFile: pki.crlFile } : {}) };
}

/** activemq.base in `dir`: conf/, data/, lib/ with links to the MQTT codec jars. */
function prepareInstance(target: string, dir: string) {
  const missing = ACTIVEMQ_MQTT_CODEC_JARS.filter((j) => !fs.existsSync(j));
  if (missing.length) {
    throw new BrokerStartError(target, `the MQTT codec jars are missing (${missing.join(', ')}): apt-get install -y libmqtt-client-java`);
  }
  const lib = path.join(dir, 'lib');
  fs.mkdirSync(lib, { recursive: true });
  for (const jar of ACTIVEMQ_MQTT_CODEC_JARS) fs.symlinkSync(jar, path.join(lib, path.basename(jar)));
  const conf = path.join(dir, 'conf');
  const data = path.join(dir, 'data');
  fs.mkdirSync(data, { recursive: true });
  writePrivate(path.join(conf, 'log4j.properties'), ACTIVEMQ_LOG4J_PROPERTIES);
  return { conf, data };
}

/** JVM arguments: the instance's directories, a bounded heap, temp files in the work dir. */
export function activemqJavaArgs(dir: string, conf: string, data: string, configFile: string): string[] {
  return [
    '-Xms64m', '-Xmx512m', '-Djava.awt.headless=true',
    `-Djava.io.tmpdir=${dir}`,
    `-Dactivemq.home=${path.dirname(path.dirname(ACTIVEMQ_RUN_JAR))}`,
    `-Dactivemq.base=${dir}`,
    `-Dactivemq.conf=${conf}`,
    `-Dactivemq.data=${data}`,
    '-jar', ACTIVEMQ_RUN_JAR, 'start', `xbean:file:${configFile}`,
  ];
}

/**
 * One TLS handshake on a connector, ended by its outcome (established, alert or close) or after
 * `timeoutMs`. The JVM loads and compiles its TLS code on the first handshake, which took 4–5 s here
 * on a loaded machine after the broker had logged "started"; the suites' own connection timeouts are
 * for the broker's answers, not for its warm-up.
 */
function warmTls(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host, port, servername: 'localhost', rejectUnauthorized: false });
    const done = () => { clearTimeout(timer); socket.destroy(); resolve(); };
    const timer = setTimeout(done, timeoutMs);
    socket.once('secureConnect', done);
    socket.once('error', done);
    socket.once('close', done);
  });
}

async function startLocal(o: StartOptions): Promise<StartedBroker> {
  const dir = o.assets.workDir;
  const harness = harnessUser();
  const users = [harness, ...standardUsers()];
  const pki = o.assets.pki;
  const open = activemqListeners(Boolean(pki));
  const credentials = harnessCredentials(harness);
  const { conf, data } = prepareInstance(o.target, dir);
  const stores = pki ? javaStores(o.target, dir, pki) : undefined;
  // Another process may take a probed port before the broker binds it: withFreshPorts tries again.
  return withFreshPorts(4, /Address already in use/i, async ([plain, tls, mtls, auth]) => {
    const ports: Record<StandardListenerName, number> = { plain: plain!, tls: tls!, mtls: mtls!, auth: auth! };
    const configFile = writePrivate(path.join(conf, 'activemq.xml'), renderActivemqXml({ bind: '127.0.0.1', ports, users, dataDir: data, ...(stores ? { stores } : {}) }));
    const proc = await startBrokerProcess({
      target: o.target,
      command: findBinary('java') ?? 'java',
      args: activemqJavaArgs(dir, conf, data, configFile),
      logFile: o.assets.logFile,
      ready: READY,
      fatal: FATAL,
      timeoutMs: 60_000,
      spawn: { cwd: dir, env: { ...process.env, HOME: dir } },
    });
    if (stores) await Promise.all([warmTls('127.0.0.1', ports.tls, 30_000), warmTls('127.0.0.1', ports.mtls, 30_000)]);
    return {
      target: o.target,
      driver: 'local',
      brokerVersion: activemqVersionFrom(proc.output()),
      listeners: Object.fromEntries(open.map((n) => [n, listenerInfo(n, '127.0.0.1', ports[n], credentials[n])])),
      missingListeners: missingListeners(open, 'needs the per-run PKI'),
      capabilities: activemqCapabilities,
      logFile: o.assets.logFile,
      pid: proc.child.pid,
      isAlive: proc.isAlive,
      // SIGTERM runs ActiveMQ's shutdown hook (connectors closed, then the broker).
      stop: () => proc.stop(15_000),
    };
  });
}

/** The container driver needs an image with Debian's activemq and libmqtt-client-java (no registry
 * image has that layout): `--image`, else this variable, else the image .ci/trixie/activemq.recipe
 * builds (`activemq@5.17.6`; .ci/build-trixie-image.sh activemq). */
export const ACTIVEMQ_IMAGE_ENV = 'MQTT_HARNESS_ACTIVEMQ_IMAGE';
export const ACTIVEMQ_IMAGE = process.env[ACTIVEMQ_IMAGE_ENV] || trixieImage('activemq')?.image || 'localhost/activemq:trixie';
const IN_CONTAINER = '/harness';

/**
 * Files and command for an image holding Debian's packages: the same activemq.xml for in-container
 * paths and ports, the key store made here, the trust store made inside by the image's keytool (the
 * host need not have Java), the codec jars linked into `${activemq.base}/lib` as the local driver does.
 */
export function activemqContainerSpec(users: BrokerUser[], open: ListenerName[], pems?: Record<'ca' | 'cert' | 'key', string> & { crl?: string }) {
  const dir = IN_CONTAINER;
  const ports = containerPortsFor(open);
  const password = randomBytes(12).toString('hex');
  const stores: ActivemqStores | undefined = pems
    ? { keyStore: `${dir}/server.p12`, trustStore: `${dir}/trust.p12`, password, ...(pems.crl ? { crlFile: `${dir}/crl.pem` } : {}) }
    : undefined;
  const files: { content: string | Buffer; target: string }[] = [
    { content: renderActivemqXml({ bind: '0.0.0.0', ports, users, dataDir: `${dir}/data`, ...(stores ? { stores } : {}) }), target: `${dir}/conf/activemq.xml` },
    { content: ACTIVEMQ_LOG4J_PROPERTIES, target: `${dir}/conf/log4j.properties` },
  ];
  const steps = [`mkdir -p ${dir}/lib ${dir}/data`, ...ACTIVEMQ_MQTT_CODEC_JARS.map((j) => `ln -sf ${j} ${dir}/lib/`)];
  if (pems && stores) {
    files.push({ content: pkcs12KeyStore(pems.cert, pems.key, password), target: stores.keyStore }, { content: pems.ca, target: `${dir}/ca.pem` });
    if (pems.crl) files.push({ content: pems.crl, target: `${dir}/crl.pem` });
    steps.push(`keytool -importcert -noprompt -alias harness-ca -file ${dir}/ca.pem -keystore ${stores.trustStore} -storetype PKCS12 -storepass ${password}`);
  }
  const java = activemqJavaArgs(dir, `${dir}/conf`, `${dir}/data`, `${dir}/conf/activemq.xml`);
  return { files, entrypoint: ['sh', '-c', [...steps, `exec java ${java.join(' ')}`].join(' && ')], listenerPorts: ports };
}

async function startContainer(o: StartOptions): Promise<StartedBroker> {
  const image = o.image ?? ACTIVEMQ_IMAGE;
  const harness = harnessUser();
  const pki = o.assets.pki;
  const pems = pemsFrom(o);
  const open = activemqListeners(Boolean(pems));
  const spec = activemqContainerSpec([harness, ...standardUsers()], open, pems && { ...pems, ...(pki?.crlFile ? { crl: fs.readFileSync(pki.crlFile, 'utf8') } : {}) });
  const started = await startContainerPlan({
    image,
    entrypoint: spec.entrypoint,
    env: {},
    files: spec.files,
    listenerPorts: spec.listenerPorts,
    missing: missingListeners(open, 'needs the per-run PKI'),
    credentials: harnessCredentials(harness),
    ready: READY,
    timeoutMs: 120_000,
  }, o, activemqCapabilities, activemqVersionFrom);
  const tlsListeners = (['tls', 'mtls'] as const).flatMap((n) => started.listeners[n] ?? []);
  await Promise.all(tlsListeners.map((l) => warmTls(l.host, l.port, 30_000)));
  return started;
}

export const activemqTarget: TargetDescriptor = {
  name: 'activemq',
  title: 'Apache ActiveMQ Classic (MQTT transport)',
  capabilities: activemqCapabilities,
  defaultImage: ACTIVEMQ_IMAGE,
  defaultDriver: 'local',
  // The host's package version is `activemq@<version>` under the local driver (target-versions.ts).
  debianPackage: 'activemq',
  drivers: {
    local: { binary: 'activemq', start: startLocal },
    container: { start: startContainer },
  },
};
