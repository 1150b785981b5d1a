// External driver: a broker the harness does not start, described by a profile file validated
// against fixtures/schema/profile.schema.json. Errors name the field and what is allowed.
import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { ProfileError } from '../core/errors.ts';
import type { Capabilities, ListenerName, ProtocolVersion, StartedBroker } from '../core/broker.ts';
import { LISTENER_NAMES } from '../core/broker.ts';
import { missingListeners } from '../core/listener-url.ts';
import { ROOT } from '../core/paths.ts';

export interface ExternalProfile {
  name: string;
  brokerVersion?: string;
  listeners: Partial<Record<ListenerName, string>>;
  caFile?: string;
  clientCertFile?: string;
  clientKeyFile?: string;
  protocols?: ProtocolVersion[];
  capabilities?: Partial<Omit<Capabilities, 'protocols' | 'notes'>>;
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
  const dir = path.dirname(file);
  for (const key of ['caFile', 'clientCertFile', 'clientKeyFile'] as const) {
    const p = profile[key];
    if (p === undefined) continue;
    const abs = path.resolve(dir, p);
    try {
      fs.accessSync(abs, fs.constants.R_OK);
    } catch {
      throw new ProfileError(file, key, `points to ${abs}, which cannot be read`);
    }
    profile[key] = abs;
  }
  return profile;
}

export function externalBroker(profile: ExternalProfile): StartedBroker {
  const protocols = profile.protocols ?? ['3.1.1', '5'];
  const listeners = Object.fromEntries(Object.entries(profile.listeners).map(([name, url]) => {
    const u = new URL(url!);
    return [name, { name: name as ListenerName, url: url!, host: u.hostname, port: Number(u.port), tls: u.protocol === 'mqtts:' }];
  }));
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
    crl: c.crl ?? false,
    passwordAuth: c.passwordAuth ?? Boolean(profile.listeners.auth),
    acl: c.acl ?? Boolean(profile.listeners.auth),
  };
  return {
    target: profile.name,
    driver: 'external',
    brokerVersion: profile.brokerVersion ?? 'unknown (external)',
    listeners,
    missingListeners: missingListeners(LISTENER_NAMES.filter((n) => profile.listeners[n]), 'not listed in the profile'),
    capabilities,
    isAlive: () => true,
    stop: async () => {},
  };
}
