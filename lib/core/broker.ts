// The shape every broker target shares. A target file exports one `TargetDescriptor`; drivers turn it
// into a `StartedBroker` whose connection details exist only after start.
import type { MisconfigurationName } from './misconfiguration-name.ts';

export const PROTOCOL_VERSIONS = ['3.1.1', '5'] as const;
export type ProtocolVersion = (typeof PROTOCOL_VERSIONS)[number];

export const DRIVER_NAMES = ['embedded', 'local', 'container', 'external'] as const;
export type DriverName = (typeof DRIVER_NAMES)[number];

/** The four listeners every managed broker opens, so all suites run against one broker start. */
export const LISTENER_NAMES = ['plain', 'tls', 'mtls', 'auth'] as const;
/**
 * Listeners a broker may have beyond the standard four (a profile lists them; a managed broker opens
 * them where its target can): TLS with a password, TLS serving a deliberately expired server
 * certificate (clients must refuse it), MQTT over WebSocket plain and TLS.
 */
export const OPTIONAL_LISTENER_NAMES = ['tls-auth', 'tls-expired', 'ws', 'wss'] as const;
export type StandardListenerName = (typeof LISTENER_NAMES)[number];
export type ListenerName = StandardListenerName | (typeof OPTIONAL_LISTENER_NAMES)[number];
export const ALL_LISTENER_NAMES = [...LISTENER_NAMES, ...OPTIONAL_LISTENER_NAMES] as const;

/** How a listener carries MQTT: TCP, TLS, WebSocket, WebSocket over TLS (the URL scheme). */
export const TRANSPORTS = ['mqtt', 'mqtts', 'ws', 'wss'] as const;
export type Transport = (typeof TRANSPORTS)[number];

/** What a broker supports. Tests declare what they need; a missing capability is `not-applicable`. */
export interface Capabilities {
  protocols: ProtocolVersion[];
  maxQos: 0 | 1 | 2;
  retain: boolean;
  wildcards: boolean;
  sharedSubscriptions: boolean;
  /** MQTT 5 Subscription Identifiers (3.8.2.1.2); absent = not declared, the broker's CONNACK decides. */
  subscriptionIdentifiers?: boolean;
  sysTopics: boolean;
  willMessages: boolean;
  persistentSessions: boolean;
  tls: boolean;
  clientCertificates: boolean;
  /** Refuses client certificates listed in a CRL. */
  crl: boolean;
  passwordAuth: boolean;
  acl: boolean;
  /** Free text per capability explaining why it is absent, shown as the not-applicable reason. */
  notes?: Partial<Record<Exclude<keyof Capabilities, 'notes' | 'protocols' | 'maxQos'>, string>>;
}

export interface ListenerInfo {
  name: ListenerName;
  /** e.g. mqtt://127.0.0.1:40123 or mqtts://localhost:40124 */
  url: string;
  host: string;
  port: number;
  /** True for mqtts and wss. */
  tls: boolean;
  /** Absent: taken from the URL scheme (mqtt/mqtts). */
  transport?: Transport;
  /** WebSocket listeners: the HTTP path (default /mqtt). */
  path?: string;
  /** TLS listeners of an external broker: the operator's trust anchor (PEM file). */
  caFile?: string;
  /** TLS: the name to verify the certificate against and send as SNI (default: the URL's host). */
  serverName?: string;
  /** TLS: ALPN protocols to offer. */
  alpn?: string[];
  /**
   * Credentials every client must present on this listener because the broker has no anonymous
   * MQTT access (ejabberd) or one node-wide switch for it (RabbitMQ). Test clients that give no user
   * name use these; tests that set their own credentials are unaffected.
   */
  credentials?: { username: string; password: string };
}

/** Per-run files a broker may need; the TLS/auth issue fills the PKI in. */
export interface BrokerAssets {
  /** Private temp directory for this broker start (configs, passwd files); removed on stop. */
  workDir: string;
  /** Where the broker's own log is written (inside the run's report folder). */
  logFile: string;
  pki?: PkiPaths;
}

export interface PkiPaths {
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  crlFile?: string;
  /** Server certificate chains a verifying client must reject, keyed by scenario (wrong-host, expired, ...);
   * served with serverKeyFile on extra listeners named `tls-bad-<scenario>`. */
  badServerCerts?: Record<string, string>;
  /** Expired server chain, used only by the tls-expired-cert test misconfiguration. */
  expiredServerCertFile?: string;
  /** The foreign CA and a server certificate it issued: only for the mtls-*-ca and tls-foreign-server-cert misconfigurations. */
  foreignCaFile?: string;
  foreignCrlFile?: string;
  foreignServerCertFile?: string;
}

export interface StartedBroker {
  target: string;
  driver: DriverName;
  brokerVersion: string;
  image?: string;
  listeners: Partial<Record<ListenerName, ListenerInfo>>;
  /** Listeners declared by the descriptor but not working under this driver, with the reason. */
  missingListeners: Partial<Record<ListenerName, string>>;
  /** Listeners beyond the standard four, e.g. `tls-bad-expired` serving a certificate clients must reject. */
  extraListeners?: Record<string, ListenerInfo>;
  capabilities: Capabilities;
  logFile?: string;
  /** PID of the broker process when the harness can see it (local driver, embedded = own pid). */
  pid?: number;
  /** Engine id of the broker's container (container driver), e.g. for the stats API. */
  containerId?: string;
  /** True while the broker process is up; external brokers always report true. */
  isAlive(): boolean;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** The descriptor's name, resolved once by the caller; every StartedBroker and log line uses it. */
  target: string;
  runId: string;
  assets: BrokerAssets;
  image?: string;
  /**
   * Global settings appended verbatim to the generated config, for targets whose config is a list of
   * `key value` lines (mosquitto). Used by `npm run bench:reference` (`max_queued_messages 0`); a
   * target that cannot take them ignores them.
   */
  extraSettings?: string[];
  /** TEST-ONLY (`--misconfig`): render one deliberately broken setting (lib/policy/misconfiguration.ts);
   * a target without that setting ignores it. */
  misconfiguration?: MisconfigurationName;
}

/** What results call a target: its name, or `<name>@<version>` when a version was asked for. */
export function targetLabel(name: string, version?: string): string {
  return version ? `${name}@${version}` : name;
}

/** A driver's way of starting one target. */
export interface DriverSupport {
  /** Name of the binary the local driver needs on PATH (checked before start). */
  binary?: string;
  start(options: StartOptions): Promise<StartedBroker>;
}

export interface TargetDescriptor {
  name: string;
  title: string;
  capabilities: Capabilities;
  /** Pinned default image for the container driver, in one place a bot can bump. */
  defaultImage?: string;
  defaultDriver: DriverName | 'container-or-local';
  /** The Debian package whose installed version the local driver runs (`--target <name>@<version>`,
   * lib/targets/target-versions.ts). */
  debianPackage?: string;
  drivers: Partial<Record<Exclude<DriverName, 'external'>, DriverSupport>>;
}
