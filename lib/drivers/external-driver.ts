// External driver: a broker the harness does not start, described by a profile file validated
// against fixtures/schema/profile.schema.json. Errors name the field and what is allowed.
import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { ProfileError } from '../core/errors.ts';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { Capabilities, ListenerInfo, ListenerName, ProtocolVersion, StartedBroker, Transport } from '../core/broker.ts';
import type { ClientIdentity, ExternalMaterial } from '../core/harness-context.ts';
import type { TestPolicy } from '../core/access-policy.ts';
import { LISTENER_NAMES } from '../core/broker.ts';
import { missingListeners } from '../core/listener-url.ts';
import { ROOT } from '../core/paths.ts';

/** A listener as the profile gives it: a URL, or a URL with its TLS material. */
export type ProfileListener = string | { url: string; caFile?: string; serverName?: string; alpn?: string[] };
interface Secret { password?: string; passwordEnv?: string }

export interface ExternalProfile {
  name: string;
  brokerVersion?: string;
  listeners: Partial<Record<ListenerName, ProfileListener>>;
  /** `tls-bad-<scenario>` listeners serving certificates a verifying client must refuse. */
  extraListeners?: Record<string, ProfileListener>;
  caFile?: string;
  clientCertFile?: string;
  clientKeyFile?: string;
  clientKeyPassphrase?: string;
  clientKeyPassphraseEnv?: string;
  credentials?: { username: string } & Secret;
  policy?: { users: ({ username: string; read?: string[]; write?: string[] } & Secret)[] };
  negative?: Partial<Record<`${'expired' | 'revoked' | 'notYetValid'}Client${'Cert' | 'Key'}File`, string>>;
  protocols?: ProtocolVersion[];
  capabilities?: Partial<Omit<Capabilities, 'protocols' | 'notes'>>;
  /** Filled by loadProfile: the secrets and files resolved (absolute paths, environment read). */
  material?: ExternalMaterial;
}

function describeError(e: ErrorObject): { field: string; problem: string } {
  const field = (e.instancePath || '/').replace(/^\//, '').replace(/\//g, '.') || '(top level)';
  switch (e.keyword) {
    case 'required':
      return { field: `${field === '(top level)' ? '' : field + '.'}${(e.params as { missingProperty: string }).missingProperty}`, problem: 'is required' };
    case 'additionalProperties':
      return { field: `${field === '(top level)' ? '' : field + '.'}${(e.params as { additionalProperty: string }).additionalProperty}`, problem: 'is not a known field' };
    case 'enum':
      return { field, problem: `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}` };
    case 'pattern':
      return { field, problem: `must match ${(e.params as { pattern: string }).pattern}` };
    default:
      return { field, problem: e.message ?? 'is invalid' };
  }
}

export function loadProfile(file: string): ExternalProfile {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ProfileError(file, '(file)', `cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (e) {
    throw new ProfileError(file, '(file)', `is not valid JSON: ${(e as Error).message}`);
  }
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'fixtures/schema/profile.schema.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: false, strict: false });
  const validate = ajv.compile(schema);
  if (!validate(data)) {
    const { field, problem } = describeError(validate.errors![0]!);
    throw new ProfileError(file, field, problem);
  }
  const profile = data as ExternalProfile;
  profile.material = resolveMaterial(file, profile);
  return profile;
}

/** One profile's file references and secrets, resolved against its directory and the environment. */
class Resolver {
  constructor(readonly file: string, readonly dir: string) {}

  path(field: string, p: string): string {
    const abs = path.resolve(this.dir, p);
    try {
      fs.accessSync(abs, fs.constants.R_OK);
    } catch {
      throw new ProfileError(this.file, field, `points to ${abs}, which cannot be read; fix the path (relative to the profile file)`);
    }
    return abs;
  }

  certificate(field: string, p: string): string {
    const abs = this.path(field, p);
    try {
      new X509Certificate(fs.readFileSync(abs));
    } catch {
      throw new ProfileError(this.file, field, `points to ${abs}, which is not a PEM certificate`);
    }
    return abs;
  }

  /** A value given directly or through an environment variable (`<field>Env`). */
  secret(field: string, value: string | undefined, envName: string | undefined): string | undefined {
    if (value !== undefined && envName !== undefined) throw new ProfileError(this.file, field, `and ${field}Env are both given; keep one`);
    if (envName === undefined) return value;
    const v = process.env[envName];
    if (v === undefined) throw new ProfileError(this.file, `${field}Env`, `names the environment variable ${envName}, which is not set; export it or give ${field}`);
    return v;
  }

  identity(certField: string, cert: string, keyField: string, key: string, passphrase?: string): ClientIdentity {
    const id: ClientIdentity = { certFile: this.certificate(certField, cert), keyFile: this.path(keyField, key), ...(passphrase !== undefined ? { passphrase } : {}) };
    try {
      createPrivateKey({ key: fs.readFileSync(id.keyFile), ...(passphrase !== undefined ? { passphrase } : {}) });
    } catch (e) {
      const encrypted = /passphrase|bad decrypt/i.test((e as Error).message);
      throw new ProfileError(this.file, keyField, encrypted
        ? `points to ${id.keyFile}, which is encrypted and clientKeyPassphrase (or clientKeyPassphraseEnv) does not open it`
        : `points to ${id.keyFile}, which is not a PEM private key`);
    }
    return id;
  }
}

const NEGATIVE = ['expired', 'revoked', 'notYetValid'] as const;

function resolveMaterial(file: string, profile: ExternalProfile): ExternalMaterial {
  const r = new Resolver(file, path.dirname(file));
  if (profile.caFile !== undefined) profile.caFile = r.certificate('caFile', profile.caFile);
  for (const [group, entries] of [['listeners', profile.listeners], ['extraListeners', profile.extraListeners ?? {}]] as const) {
    for (const [name, l] of Object.entries(entries)) {
      if (typeof l === 'object' && l.caFile !== undefined) l.caFile = r.certificate(`${group}.${name}.caFile`, l.caFile);
    }
  }
  const material: ExternalMaterial = {};
  const passphrase = r.secret('clientKeyPassphrase', profile.clientKeyPassphrase, profile.clientKeyPassphraseEnv);
  if ((profile.clientCertFile === undefined) !== (profile.clientKeyFile === undefined)) {
    const missing = profile.clientCertFile === undefined ? 'clientCertFile' : 'clientKeyFile';
    throw new ProfileError(file, missing, `is required when ${missing === 'clientCertFile' ? 'clientKeyFile' : 'clientCertFile'} is given`);
  }
  if (profile.clientCertFile && profile.clientKeyFile) {
    material.client = r.identity('clientCertFile', profile.clientCertFile, 'clientKeyFile', profile.clientKeyFile, passphrase);
    profile.clientCertFile = material.client.certFile;
    profile.clientKeyFile = material.client.keyFile;
  }
  if (profile.credentials) {
    const password = r.secret('credentials.password', profile.credentials.password, profile.credentials.passwordEnv);
    if (password === undefined) throw new ProfileError(file, 'credentials.password', 'is required (or credentials.passwordEnv naming an environment variable)');
    material.credentials = { username: profile.credentials.username, password };
  }
  if (profile.policy) material.policy = policyOf(r, profile.policy);
  for (const n of NEGATIVE) {
    const cert = profile.negative?.[`${n}ClientCertFile`];
    const key = profile.negative?.[`${n}ClientKeyFile`];
    if (cert === undefined || key === undefined) continue;
    (material.negative ??= {})[n] = r.identity(`negative.${n}ClientCertFile`, cert, `negative.${n}ClientKeyFile`, key);
  }
  return material;
}

/** The profile's users with their read/write filters, as the rules the auth suite evaluates. */
function policyOf(r: Resolver, p: NonNullable<ExternalProfile['policy']>): TestPolicy {
  const policy: TestPolicy = { users: [], rules: [] };
  p.users.forEach((u, i) => {
    const password = r.secret(`policy.users.${i}.password`, u.password, u.passwordEnv);
    if (password === undefined) throw new ProfileError(r.file, `policy.users.${i}.password`, 'is required (or passwordEnv naming an environment variable)');
    policy.users.push({ name: u.username, password });
    for (const topic of u.read ?? []) policy.rules.push({ user: u.username, access: (u.write ?? []).includes(topic) ? 'readwrite' : 'read', topic });
    for (const topic of u.write ?? []) if (!(u.read ?? []).includes(topic)) policy.rules.push({ user: u.username, access: 'write', topic });
  });
  return policy;
}

/** A profile listener as the suites see it: transport and path from the URL, TLS material attached. */
function listenerOf(name: string, l: ProfileListener, caFile: string | undefined): ListenerInfo {
  const spec = typeof l === 'string' ? { url: l } : l;
  const u = new URL(spec.url);
  const transport = u.protocol.slice(0, -1) as Transport;
  const tls = transport === 'mqtts' || transport === 'wss';
  const ws = transport === 'ws' || transport === 'wss';
  const ca = spec.caFile ?? caFile;
  return {
    name: name as ListenerName,
    url: spec.url,
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: Number(u.port),
    tls,
    transport,
    ...(ws ? { path: u.pathname && u.pathname !== '/' ? u.pathname : '/mqtt' } : {}),
    ...(tls && ca ? { caFile: ca } : {}),
    ...(tls && spec.serverName ? { serverName: spec.serverName } : {}),
    ...(tls && spec.alpn ? { alpn: spec.alpn } : {}),
  };
}

/** The listener URLs a profile lists (reachability and reports). */
export function profileListenerUrls(profile: ExternalProfile): Record<string, string> {
  return Object.fromEntries([...Object.entries(profile.listeners), ...Object.entries(profile.extraListeners ?? {})]
    .map(([n, l]) => [n, typeof l === 'string' ? l : l!.url]));
}

export function externalBroker(profile: ExternalProfile): StartedBroker {
  const protocols = profile.protocols ?? ['3.1.1', '5'];
  const listeners = Object.fromEntries(Object.entries(profile.listeners).map(([name, l]) => [name, listenerOf(name, l!, profile.caFile)]));
  const extras = Object.entries(profile.extraListeners ?? {}).map(([name, l]) => [name, listenerOf(name, l, profile.caFile)] as const);
  const c = profile.capabilities ?? {};
  const capabilities: Capabilities = {
    protocols,
    maxQos: c.maxQos ?? 2,
    retain: c.retain ?? true,
    wildcards: c.wildcards ?? true,
    sharedSubscriptions: c.sharedSubscriptions ?? protocols.includes('5'),
    sysTopics: c.sysTopics ?? false,
    willMessages: c.willMessages ?? true,
    persistentSessions: c.persistentSessions ?? true,
    tls: c.tls ?? Boolean(profile.listeners.tls),
    clientCertificates: c.clientCertificates ?? Boolean(profile.listeners.mtls),
    crl: c.crl ?? Boolean(profile.negative?.revokedClientCertFile),
    passwordAuth: c.passwordAuth ?? Boolean(profile.listeners.auth),
    acl: c.acl ?? Boolean(profile.listeners.auth),
  };
  return {
    target: profile.name,
    driver: 'external',
    brokerVersion: profile.brokerVersion ?? 'unknown (external)',
    listeners,
    ...(extras.length ? { extraListeners: Object.fromEntries(extras) } : {}),
    missingListeners: missingListeners(LISTENER_NAMES.filter((n) => profile.listeners[n]), 'not listed in the profile'),
    capabilities,
    isAlive: () => true,
    stop: async () => {},
  };
}
