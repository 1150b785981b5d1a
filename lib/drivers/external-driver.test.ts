import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { externalBroker, loadProfile } from './external-driver.ts';
import { ProfileError } from '../core/errors.ts';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

function profile(content: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'profile-test-'));
  dirs.push(dir);
  const file = path.join(dir, 'p.json');
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('external profile', () => {
  test('a valid profile becomes a started broker with its listeners', () => {
    const b = externalBroker(loadProfile(profile({ name: 'mine', listeners: { plain: 'mqtt://127.0.0.1:1883' }, protocols: ['3.1.1'] })));
    expect(b.listeners.plain).toMatchObject({ host: '127.0.0.1', port: 1883, tls: false });
    expect(b.capabilities.protocols).toEqual(['3.1.1']);
    expect(b.missingListeners.tls).toMatch(/not listed/);
  });

  test.each([
    [{ listeners: { plain: 'mqtt://h:1' } }, /name is required/],
    [{ name: 'x', listeners: { plain: 'http://h:1' } }, /listeners\.plain must match/],
    [{ name: 'x', listeners: { plain: 'mqtt://h:1' }, protocols: ['4'] }, /protocols\.0 must be one of "3.1.1", "5"/],
    [{ name: 'x', listeners: { plain: 'mqtt://h:1' }, colour: 1 }, /colour is not a known field/],
    [{ name: 'x', listeners: { plain: 'mqtt://h:1' }, caFile: 'nope.pem' }, /caFile points to .*nope.pem, which cannot be read/],
    ['{ not json', /is not valid JSON/],
  ])('malformed profile %# names the field', (content, message) => {
    const file = profile(content);
    expect(() => loadProfile(file)).toThrow(ProfileError);
    expect(() => loadProfile(file)).toThrow(message);
  });
});
