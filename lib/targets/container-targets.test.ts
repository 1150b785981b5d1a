// Descriptors CI cannot run (no registry here): their generated configs and container plans.
import { describe, expect, test } from 'vitest';
import { emqxContainerPlan, emqxTarget, emqxVersionFrom, renderEmqxAcl, renderEmqxUsersCsv } from './emqx-target.ts';
import { hivemqContainerPlan, hivemqTarget, hivemqVersionFrom } from './hivemq-target.ts';
import { renderVernemqAcl, vernemqContainerPlan, vernemqTarget } from './vernemq-target.ts';
import { nanomqContainerPlan, nanomqTarget, nanomqVersionFrom, renderNanomqAcl } from './nanomq-target.ts';
import { TARGETS } from './registry.ts';

const alice = { username: 'alice', password: 'a', publish: ['alice/#', 'users/%u/#'], subscribe: ['alice/#', 'public/#', 'users/%u/#'] };
const harness = { username: 'harness', password: 'h' };
const pem = { ca: 'CA', cert: 'CERT', key: 'KEY' };

test('every target pins its image as name:version (no "latest")', () => {
  for (const t of TARGETS.filter((x) => x.drivers.container)) {
    expect(t.defaultImage, t.name).toMatch(/^[\w./-]+:\d[\w.-]*$/);
  }
});

describe('emqx', () => {
  test('plain/tls skip authentication, auth checks the bootstrap users, mtls maps the CN to the user', () => {
    const plan = emqxContainerPlan([alice], 'cookie', undefined, pem);
    const conf = plan.files.find((f) => f.target.endsWith('/emqx.conf'))!.content;
    expect(conf).toMatch(/listeners\.tcp\.default \{ bind = "0\.0\.0\.0:1883", enable_authn = false \}/);
    expect(conf).toMatch(/listeners\.tcp\.auth \{ bind = "0\.0\.0\.0:1884", enable_authn = true \}/);
    expect(conf).toMatch(/listeners\.ssl\.mtls \{[^}]*peer_cert_as_username = cn/);
    expect(conf).toContain('verify = verify_peer, fail_if_no_peer_cert = true');
    expect(conf).toContain('no_match = deny');
    expect(plan.listenerPorts).toEqual({ plain: 1883, auth: 1884, tls: 8883, mtls: 8884 });
    expect(plan.files.map((f) => f.content)).toContain('CA');
  });
  test('without a PKI: no ssl listener, tls/mtls missing with a reason', () => {
    const plan = emqxContainerPlan([alice], 'c');
    expect(plan.files[0]!.content).toContain('listeners.ssl.default.enable = false');
    expect(plan.missing.tls).toMatch(/PKI/);
  });
  test('ACL: the user\'s allowances, then deny-all for that user; %u → ${username}', () => {
    const acl = renderEmqxAcl([alice]);
    expect(acl).toContain('{allow, {user, "alice"}, publish, ["alice/#", "users/${username}/#"]}.');
    expect(acl.indexOf('{deny, {user, "alice"}')).toBeGreaterThan(acl.indexOf('{allow, {user, "alice"}, subscribe'));
    expect(acl.trim().endsWith('{allow, all}.')).toBe(true);
    expect(renderEmqxUsersCsv([alice])).toBe('user_id,password,is_superuser\nalice,a,false\n');
  });
  test('version', () => {
    expect(emqxVersionFrom('EMQX 5.3.2 is running now!')).toBe('5.3.2');
    expect(emqxTarget.defaultDriver).toBe('container');
  });
});

describe('hivemq', () => {
  test('plain listener only; auth/tls/mtls missing with the CE reasons; ready as @testcontainers/hivemq waits', () => {
    const plan = hivemqContainerPlan();
    expect(plan.files[0]!.target).toBe('/opt/hivemq/conf/config.xml');
    expect(plan.files[0]!.content).toContain('<port>1883</port>');
    expect(plan.listenerPorts).toEqual({ plain: 1883 });
    expect(Object.keys(plan.missing).sort()).toEqual(['auth', 'mtls', 'tls']);
    expect(plan.ready.test('2024-01-01 INFO  - Started HiveMQ in 4321ms')).toBe(true);
    expect(hivemqVersionFrom('INFO  - HiveMQ version: 2024.3')).toBe('2024.3');
    expect(hivemqTarget.capabilities.passwordAuth).toBe(false);
  });
});

describe('vernemq', () => {
  test('env-configured as the image documents, anonymous off, users via DOCKER_VERNEMQ_USER_*', () => {
    const plan = vernemqContainerPlan([alice], harness);
    expect(plan.env).toMatchObject({
      DOCKER_VERNEMQ_ACCEPT_EULA: 'yes',
      DOCKER_VERNEMQ_ALLOW_ANONYMOUS: 'off',
      DOCKER_VERNEMQ_USER_alice: 'a',
      DOCKER_VERNEMQ_USER_harness: 'h',
      DOCKER_VERNEMQ_LISTENER__TCP__AUTH: '0.0.0.0:1884',
    });
    expect(plan.credentials?.plain).toEqual({ username: 'harness', password: 'h' });
    expect(plan.credentials?.auth).toBeUndefined();
    expect(vernemqTarget.defaultImage).toMatch(/^vernemq\/vernemq:/);
  });
  test('ACL: read-only and read-write topics, %u as pattern lines', () => {
    const acl = renderVernemqAcl([harness, alice]);
    expect(acl).toContain('user alice\ntopic readwrite alice/#\ntopic read public/#');
    expect(acl).toContain('user harness\ntopic readwrite #');
    expect(acl).toContain('pattern readwrite users/%u/#');
  });
});

describe('nanomq', () => {
  test('auth is global: the auth role shares the plain port, plain brings the harness user', () => {
    const plan = nanomqContainerPlan([alice], harness, undefined, true);
    expect(plan.listenerPorts).toEqual({ plain: 1883, auth: 1883, tls: 8883 });
    expect(plan.credentials?.plain?.username).toBe('harness');
    const conf = plan.files[0]!.content;
    expect(conf).toContain('allow_anonymous = false');
    expect(conf).toContain('verify_peer = false');
    expect(nanomqTarget.defaultImage).toMatch(/-slim$/);
  });
  test('ACL expands %u per user', () => {
    const acl = renderNanomqAcl([alice]);
    expect(acl).toContain('"topics": ["alice/#", "users/alice/#"]');
    expect(acl).not.toContain('%u');
  });
  test('version', () => {
    expect(nanomqVersionFrom('NanoMQ (ver 0.21.2) Serving')).toBe('0.21.2');
  });
});
