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
    };
    await open('tls', tls.createServer(tlsBase, (s) => { track(s); broker.handle(s); }));
    const requireCert = t.requireCertificate !== false;
    const mtls = tls.createServer(
      { ...base, requestCert: requireCert, rejectUnauthorized: requireCert, crl: t.crlFile ? fs.readFileSync(t.crlFile) : undefined },
      (s) => { track(s); broker.handle(s); },
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
