// An aedes broker with the harness's listeners, shared by the embedded driver (in-process) and the
// local driver (a Node child process running aedes-process.ts). One aedes instance serves every
// listener; per-listener policy is chosen from the port the client connected to.
import net from 'node:net';
import tls from 'node:tls';
import fs from 'node:fs';
import { Aedes, type AedesOptions, type Client } from 'aedes';
import type { ListenerName } from '../core/broker.ts';

export interface AedesListenerHooks {
  /** Extra aedes hooks keyed by listener; the TLS/auth issue installs password and ACL checks here. */
  authenticate?: Partial<Record<ListenerName, AedesOptions['authenticate']>>;
  authorizePublish?: Partial<Record<ListenerName, AedesOptions['authorizePublish']>>;
  authorizeSubscribe?: Partial<Record<ListenerName, AedesOptions['authorizeSubscribe']>>;
  authorizeForward?: Partial<Record<ListenerName, AedesOptions['authorizeForward']>>;
}

export interface AedesTlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
  crlFile?: string;
  /** Certificate chain for the tls listener only, if not certFile (the tls-expired-cert misconfiguration). */
  tlsListenerCertFile?: string;
  /** false: the mtls listener does not ask for a client certificate (a misconfiguration). */
  requireCertificate?: boolean;
  /** true: the tls listener also accepts TLS 1.0/1.1 and NULL suites (the tls-weak-protocols misconfiguration). */
  weakProtocols?: boolean;
  /** The tls listener's TLS versions, if not TLS 1.2 and up (the tls12-only / tls13-only misconfigurations). */
  tlsVersions?: { min?: tls.SecureVersion; max?: tls.SecureVersion };
  /** CAs the mtls listener trusts for client certificates, if not caFile (the mtls-*-ca misconfigurations). */
  mtlsCaFiles?: string[];
  /** true: the mtls listener's own check lets expired and not-yet-valid client certificates in (mtls-ignores-validity). */
  ignoreClientCertDates?: boolean;
  /** true: the mtls listener requests a certificate but accepts any (mtls-accepts-any-cert). */
  acceptAnyClientCert?: boolean;
  /**
   * true (tls-hold-malformed-open): the tls listener waits, without a timeout and ignoring the
   * client's FIN, for a complete ClientHello record, and holds a connection that starts otherwise open.
   */
  holdMalformedOpen?: boolean;
  /** Extra `tls-bad-<scenario>` listeners, each serving one chain (with keyFile) clients must reject. */
  badServerCerts?: Record<string, string>;
}

export interface AedesBrokerOptions {
  host?: string;
  tls?: AedesTlsFiles;
  hooks?: AedesListenerHooks;
  /** Called with one line per broker event, so the embedded broker has a log like the others. */
  log?: (line: string) => void;
  /**
   * TEST-ONLY (the hold-malformed-open misconfiguration): the plain listener keeps a connection whose
   * first bytes are not a CONNECT open and ignores it, instead of letting aedes close it.
   */
  holdMalformedOpen?: boolean;
}

export interface RunningAedes {
  ports: Partial<Record<ListenerName, number>>;
  /** Ports of the `tls-bad-<scenario>` listeners. */
  extraPorts: Record<string, number>;
  close(): Promise<void>;
}

function listenerOf(client: Client | null, byPort: Map<number, ListenerName>): ListenerName {
  const socket = client?.conn as net.Socket | undefined;
  return byPort.get(socket?.localPort ?? -1) ?? 'plain';
}

/** The errors the mtls-ignores-validity misconfiguration lets through; every other one still refuses. */
const DATE_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

/**
 * TEST-ONLY: hands a connection to `next` once its first TLS record (the ClientHello) is complete;
 * a connection that starts with anything but a handshake record (0x16) is held open, unanswered.
 */
function holdUntilClientHello(s: net.Socket, next: (s: net.Socket) => void): void {
  let buffered = Buffer.alloc(0);
  const onData = (d: Buffer) => {
    buffered = Buffer.concat([buffered, d]);
    if (buffered[0] !== 0x16) return; // held open, never answered
    if (buffered.length < 5 || buffered.length < 5 + buffered.readUInt16BE(3)) return;
    s.off('data', onData);
    s.pause();
    s.unshift(buffered);
    next(s);
  };
  s.on('data', onData);
}

function listen(server: net.Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve((server.address() as net.AddressInfo).port));
  });
}

export async function startAedesBroker(options: AedesBrokerOptions = {}): Promise<RunningAedes> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => {});
  const hooks = options.hooks ?? {};
  const byPort = new Map<number, ListenerName>();
  const broker = await Aedes.createBroker({
    authenticate: (client, username, password, done) => {
      const hook = hooks.authenticate?.[listenerOf(client, byPort)];
      if (hook) hook(client, username, password, done);
      else done(null, true);
    },
    authorizePublish: (client, packet, done) => {
      const hook = hooks.authorizePublish?.[listenerOf(client, byPort)];
      if (hook) hook(client, packet, done);
      else done(null);
    },
    authorizeSubscribe: (client, sub, done) => {
      const hook = hooks.authorizeSubscribe?.[listenerOf(client, byPort)];
      if (hook) hook(client, sub, done);
      else done(null, sub);
    },
    authorizeForward: (client, packet) => {
      const hook = hooks.authorizeForward?.[listenerOf(client, byPort)];
      return hook ? hook(client, packet) : packet;
    },
  });
  broker.on('client', (c) => log(`client connected ${c.id}`));
  broker.on('clientDisconnect', (c) => log(`client disconnected ${c.id}`));
  broker.on('clientError', (c, e) => log(`client error ${c.id}: ${e.message}`));
  broker.on('connectionError', (c, e) => log(`connection error ${c?.id ?? '?'}: ${e.message}`));

  const servers: net.Server[] = [];
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const ports: Partial<Record<ListenerName, number>> = {};
  const extraPorts: Record<string, number> = {};
  const open = async (name: ListenerName, server: net.Server) => {
    servers.push(server);
    const port = await listen(server, host);
    byPort.set(port, name);
    ports[name] = port;
    log(`listener ${name} on ${host}:${port}`);
  };

  const plain = (s: net.Socket) => {
    track(s);
    if (!options.holdMalformedOpen) return broker.handle(s);
    s.once('data', (first: Buffer) => {
      if (first[0] !== 0x10) return void s.on('data', () => {}); // held open, never answered
      s.pause();
      s.unshift(first);
      broker.handle(s);
    });
  };
  await open('plain', net.createServer(plain));
  await open('auth', net.createServer((s) => { track(s); broker.handle(s); }));
  if (options.tls) {
    const t = options.tls;
    const base: tls.TlsOptions = {
      ca: fs.readFileSync(t.caFile),
      cert: fs.readFileSync(t.certFile),
      key: fs.readFileSync(t.keyFile),
      minVersion: 'TLSv1.2',
    };
    const tlsBase: tls.TlsOptions = {
      ...base,
      ...(t.tlsListenerCertFile ? { cert: fs.readFileSync(t.tlsListenerCertFile) } : {}),
      ...(t.weakProtocols ? { minVersion: 'TLSv1', ciphers: 'ALL:eNULL:@SECLEVEL=0' } : {}),
      ...(t.tlsVersions?.min ? { minVersion: t.tlsVersions.min } : {}),
      ...(t.tlsVersions?.max ? { maxVersion: t.tlsVersions.max } : {}),
    };
    const tlsServer = tls.createServer(tlsBase, (s) => { track(s); broker.handle(s); });
    // A tls.Server takes a raw socket through its 'connection' event (it reads what was unshifted).
    await open('tls', t.holdMalformedOpen
      ? net.createServer({ allowHalfOpen: true }, (s) => { track(s); holdUntilClientHello(s, (raw) => tlsServer.emit('connection', raw)); })
      : tlsServer);
    const requireCert = t.requireCertificate !== false;
    const mtls = tls.createServer(
      {
        ...base,
        ...(t.mtlsCaFiles ? { ca: t.mtlsCaFiles.map((f) => fs.readFileSync(f)) } : {}),
        requestCert: requireCert,
        rejectUnauthorized: requireCert && !t.ignoreClientCertDates && !t.acceptAnyClientCert,
        crl: t.crlFile ? fs.readFileSync(t.crlFile) : undefined,
      },
      (s) => {
        if (t.acceptAnyClientCert && !s.getPeerCertificate()?.raw) return void s.destroy();
        if (t.ignoreClientCertDates && !s.authorized && !DATE_ERRORS.has(String(s.authorizationError))) return void s.destroy();
        track(s);
        broker.handle(s);
      },
    );
    await open('mtls', mtls);
    for (const [scenario, certFile] of Object.entries(t.badServerCerts ?? {})) {
      const server = tls.createServer({ ...base, cert: fs.readFileSync(certFile) }, (s) => { track(s); broker.handle(s); });
      servers.push(server);
      extraPorts[`tls-bad-${scenario}`] = await listen(server, host);
    }
  }
  log('aedes ready');

  return {
    ports,
    extraPorts,
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
      await new Promise<void>((r) => broker.close(() => r()));
    },
  };
}
