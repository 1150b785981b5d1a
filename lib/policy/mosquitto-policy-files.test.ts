// The harness-written password line must be exactly what mosquitto_passwd writes for the same salt:
// take a line from the real binary, recompute it from its salt, compare. Needs mosquitto-clients'
// sibling package `mosquitto` (mosquitto_passwd).
import { test, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mosquittoPasswordLine, renderMosquittoAcl } from './mosquitto-policy-files.ts';
import { TEST_POLICY, policyAllows } from './test-policy.ts';
import { needBinary } from '../../test/support/requirements.ts';

test('password line equals mosquitto_passwd output for the same salt', (ctx) => {
  const bin = needBinary(ctx, 'mosquitto_passwd', 'mosquitto');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-passwd-'));
  try {
    const file = path.join(dir, 'passwd');
    execFileSync(bin, ['-c', '-b', file, 'alice', 'alice-secret']);
    const line = fs.readFileSync(file, 'utf8').trim();
    const [, iterations, salt] = /^alice:\$7\$(\d+)\$([^$]+)\$/.exec(line)!;
    expect(mosquittoPasswordLine('alice', 'alice-secret', Buffer.from(salt!, 'base64'), Number(iterations))).toBe(line);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('ACL rendering has user blocks and the %u pattern', () => {
  expect(renderMosquittoAcl(TEST_POLICY.rules)).toContain('user alice\ntopic readwrite alice/#\ntopic read public/#\nuser bob\ntopic readwrite bob/#\npattern readwrite users/%u/#');
});

test('policy decisions', () => {
  expect(policyAllows(TEST_POLICY, 'alice', 'alice/x', 'write')).toBe(true);
  expect(policyAllows(TEST_POLICY, 'alice', 'public/x', 'read')).toBe(true);
  expect(policyAllows(TEST_POLICY, 'alice', 'public/x', 'write')).toBe(false);
  expect(policyAllows(TEST_POLICY, 'alice', 'bob/x', 'read')).toBe(false);
  expect(policyAllows(TEST_POLICY, 'bob', 'users/bob/a', 'write')).toBe(true);
  expect(policyAllows(TEST_POLICY, 'bob', 'users/alice/a', 'write')).toBe(false);
  expect(policyAllows(TEST_POLICY, 'bob', '#', 'read')).toBe(false);
  expect(policyAllows(TEST_POLICY, undefined, 'alice/x', 'read')).toBe(false);
});
