import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildRunPlan, parseFlags } from './args.ts';
import { UsageError, UnknownTargetError, UnknownVersionError } from '../core/errors.ts';

const plan = (...argv: string[]) => buildRunPlan(parseFlags(argv));

describe('flags → RunPlan', () => {
  test('no flags: embedded aedes, default suites, every protocol', () => {
    const p = plan();
    expect(p.targets).toEqual([{ name: 'aedes', driver: 'auto', image: undefined }]);
    expect(p.suites).toContain('smoke');
    expect(p.protocols).toBeUndefined();
  });

  test('--suite fuzz: budget, iterations and seed; fuzz flags without it are refused; fuzz is not a default suite', () => {
    expect(plan('--suite', 'fuzz', '--fuzz-budget', '60s', '--fuzz-seed', '7', '--fuzz-iterations', '100').fuzz).toEqual({ budgetMs: 60_000, seed: 7, maxIterations: 100 });
    expect(plan('--suite', 'fuzz').fuzz?.budgetMs).toBe(20_000);
    expect(plan().suites).not.toContain('fuzz');
    expect(() => plan('--suite', 'smoke', '--fuzz-seed', '3')).toThrow(/--fuzz-seed applies to the fuzz suite; add --suite fuzz/);
    expect(() => plan('--suite', 'fuzz', '--fuzz-budget', 'abc')).toThrow(UsageError);
  });

  test('--suites-dir (self-test aid): its sub-folders are the suites; a missing folder or an unknown suite is a usage error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'suites-dir-'));
    try {
      fs.mkdirSync(path.join(dir, 'hook'));
      fs.mkdirSync(path.join(dir, 'rejection'));
      const p = plan('--suites-dir', dir);
      expect(p.suitesDir).toBe(dir);
      expect(p.suites).toEqual(['hook', 'rejection']);
      expect(plan('--suites-dir', dir, '--suite', 'hook').suites).toEqual(['hook']);
      expect(() => plan('--suites-dir', dir, '--suite', 'smoke')).toThrow(/--suite "smoke" is not allowed; use one of: hook, rejection/);
      expect(() => plan('--suites-dir', path.join(dir, 'nope'))).toThrow(UsageError);
      expect(() => plan('--suites-dir', path.join(dir, 'hook'))).toThrow(/has no sub-folders/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('several targets run in turn, in the order given', () => {
    expect(plan('--target', 'mosquitto,aedes').targets.map((t) => t.name)).toEqual(['mosquitto', 'aedes']);
  });

  test('unknown target names the known ones', () => {
    expect(() => plan('--target', 'nosuch')).toThrow(UnknownTargetError);
    expect(() => plan('--target', 'nosuch')).toThrow(/known targets: aedes, mosquitto/);
  });

  test('a driver a target does not offer is refused with what it offers', () => {
    expect(() => plan('--target', 'aedes', '--driver', 'container')).toThrow(/offers: embedded, local/);
  });

  test('name:driver picks one target\'s driver; --driver applies to the rest', () => {
    const p = plan('--target', 'aedes:embedded,mosquitto,rabbitmq', '--driver', 'local');
    expect(p.targets.map((t) => `${t.name}:${t.driver}`)).toEqual(['aedes:embedded', 'mosquitto:local', 'rabbitmq:local']);
    expect(plan('--target', 'mosquitto:container').targets[0]!.driver).toBe('container');
    expect(() => plan('--target', 'aedes:container')).toThrow(/--target aedes:container: driver container is not available for target aedes; it offers: embedded, local/);
    expect(() => plan('--target', 'aedes:turbo')).toThrow(/--target aedes:turbo: unknown driver "turbo"; use one of: /);
    expect(() => plan('--target', 'aedes:local:x')).toThrow(/use <name>, <name>@<version> or <name>:<driver>/);
    expect(() => plan('--target', 'nosuch:local')).toThrow(/nosuch/);
  });

  test('name@version fixes the driver (and the image) from what the machine offers; unknown versions list them', () => {
    // The trixie recipe is in the repository, so 2.0.21 is always offered (its image may still need building).
    const p = plan('--target', 'mosquitto@2.0.21');
    expect(p.targets).toEqual([{ name: 'mosquitto', version: '2.0.21', driver: 'container', image: expect.stringMatching(/^localhost\/mosquitto:2\.0\.21-trixie-[0-9a-f]{12}$/) }]);
    expect(() => plan('--target', 'mosquitto@9.9')).toThrow(UnknownVersionError);
    expect(() => plan('--target', 'mosquitto@9.9')).toThrow(/version 9\.9 cannot be had here; mosquitto versions: .*2\.0\.21 \(container: /);
    expect(() => plan('--target', 'mosquitto@2.0.21:local')).toThrow(/version 2\.0\.21 runs under the container driver .*not local/);
    expect(() => plan('--target', 'mosquitto@2.0.21', '--image', 'x')).toThrow(/drop --image/);
    expect(() => plan('--target', 'mosquitto@2.0.21,mosquitto@2.0.21')).toThrow(/names a target twice/);
    expect(() => plan('--target', 'mosquitto@')).toThrow(/use <name>, <name>@<version>/);
    expect(() => plan('--target', 'aedes@1.0.0')).toThrow(/no versions of aedes can be picked here/);
  });

  test('activemq@5.17.6 and ejabberd@24.12 are the trixie images; the host packages stay local', () => {
    const p = plan('--target', 'activemq@5.17.6,ejabberd@24.12');
    expect(p.targets.map((t) => [t.name, t.version, t.driver, t.image])).toEqual([
      ['activemq', '5.17.6', 'container', expect.stringMatching(/^localhost\/activemq:5\.17\.6-trixie-[0-9a-f]{12}$/)],
      ['ejabberd', '24.12', 'container', expect.stringMatching(/^localhost\/ejabberd:24\.12-trixie-[0-9a-f]{12}$/)],
    ]);
    expect(() => plan('--target', 'activemq@9.9')).toThrow(/activemq versions: (.*, )?5\.17\.6 \(container: image from Debian trixie packages \(\.ci\/trixie\/activemq\.recipe\)\)/);
    // The host's activemq package (bookworm's 5.17.2 here and in CI) is a local version, as mosquitto's is.
    if (fs.existsSync('/usr/share/activemq/bin/activemq.jar')) expect(plan('--target', 'activemq@5.17.2').targets[0]).toMatchObject({ version: '5.17.2', driver: 'local' });
  });

  test('--driver applies to the targets that offer it, the others keep their default', () => {
    const p = plan('--target', 'aedes,mosquitto', '--driver', 'local');
    expect(p.targets.map((t) => t.driver)).toEqual(['local', 'local']);
  });

  test('bad protocol and suite values name the allowed ones', () => {
    expect(() => plan('--protocol', '6')).toThrow(/--protocol "6" is not allowed; use one of: 3.1.1, 5/);
    expect(() => plan('--suite', 'nope')).toThrow(/--suite "nope" is not allowed/);
  });

  test('protocol aliases 3 and 4 mean 3.1.1', () => {
    expect(plan('--protocol', '4,5').protocols).toEqual(['3.1.1', '5']);
  });

  test('unknown flags are a usage error, not a stack trace', () => {
    expect(() => plan('--nope')).toThrow(UsageError);
  });

  test('external driver needs a profile; a profile implies the external driver', () => {
    expect(() => plan('--driver', 'external')).toThrow(/needs --profile/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'args-test-'));
    fs.writeFileSync(path.join(dir, 'p.json'), JSON.stringify({ name: 'lab-broker', listeners: { plain: 'mqtt://127.0.0.1:1883' } }));
    const p = plan('--profile', path.join(dir, 'p.json'));
    expect(p.targets[0]).toMatchObject({ driver: 'external', name: 'lab-broker' });
    expect(() => plan('--profile', path.join(dir, 'missing.json'))).toThrow(/missing\.json: \(file\) cannot be read: ENOENT/);
    // One name everywhere: --target may repeat the profile's name, never rename it.
    expect(plan('--profile', path.join(dir, 'p.json'), '--target', 'lab-broker').targets[0]!.name).toBe('lab-broker');
    expect(() => plan('--profile', path.join(dir, 'p.json'), '--target', 'lab')).toThrow(/--target lab and the profile's name "lab-broker" differ/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('positional words become name filters', () => {
    expect(plan('QoS 2', 'retain').filters).toEqual(['QoS 2', 'retain']);
  });
});
