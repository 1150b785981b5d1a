// A local stand-in for a public test broker laid out like test.mosquitto.org (examples/test-mosquitto-org/):
// one Mosquitto with plain, auth (password file + the standard test ACL), tls, mtls (client
// certificate required, CRL), tls-auth (TLS + password), tls-expired (an expired server certificate),
// ws and wss, on ephemeral loopback ports, with a throwaway PKI; it writes the broker's profile, so
// `--profile` runs the external path end to end without leaving the machine.
//   npx tsx scripts/public-layout-fixture.ts [dir]   → prints the profile path; Ctrl-C stops and cleans up
// Needs `mosquitto` on PATH (Debian's build, with WebSocket support). Nothing here is committed: the
// PKI, passwords and profile live in a temp directory removed on stop.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ListenerName } from '../lib/core/broker.ts';
import { DEFAULT_WEBSOCKET_PATH, isTlsListener, listenerUrl, transportFor } from '../lib/core/listener-url.ts';
import { withFreshPorts } from '../lib/drivers/free-port.ts';
import { brokerPkiPaths, generatePkiSet, type PkiSet } from '../lib/pki/pki-set.ts';
import { TEST_POLICY, type TestPolicy } from '../lib/policy/test-policy.ts';
import { mosquittoCapabilities, mosquittoVersionFrom, renderMosquittoConfig, spawnMosquitto, writePolicyFiles } from '../lib/targets/mosquitto-target.ts';

/** The layout, in the order test.mosquitto.org numbers its ports (1883, 1884, 8883, 8884, 8885, 8887, 8080, 8081). */
export const PUBLIC_LAYOUT: readonly ListenerName[] = ['plain', 'auth', 'tls', 'mtls', 'tls-auth', 'tls-expired', 'ws', 'wss'];

export interface PublicLayoutFixture {
  dir: string;
  profileFile: string;
  brokerVersion: string;
  listeners: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts the fixture in `dir` (default: a new temp directory, removed on stop). */
export async function startPublicLayoutFixture(dir?: string): Promise<PublicLayoutFixture> {
  const ownDir = !dir;
  const root = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'public-layout-'));
  try {
    const pki = await generatePkiSet(path.join(root, 'pki'));
    const { badServerCerts: _onlyTheExpiredOne, ...brokerPki } = brokerPkiPaths(pki);
    const files = { pki: brokerPki, ...writePolicyFiles(root, brokerPki, undefined) };
    return await withFreshPorts(PUBLIC_LAYOUT.length, /Address already in use|Unable to start any listening/, async (numbers) => {
      const ports = Object.fromEntries(PUBLIC_LAYOUT.map((n, i) => [n, numbers[i]!])) as Record<ListenerName, number>;
      const configFile = path.join(root, 'mosquitto.conf');
      fs.writeFileSync(configFile, renderMosquittoConfig({ bind: '127.0.0.1', ports, runAsRoot: process.getuid?.() === 0, files }), { mode: 0o600 });
      const proc = await spawnMosquitto('public-layout', configFile, path.join(root, 'mosquitto.log'));
      const brokerVersion = mosquittoVersionFrom(proc.output());
      const listeners = Object.fromEntries(PUBLIC_LAYOUT.map((n) => [n, urlOf(n, ports[n])]));
      const profileFile = path.join(root, 'profile.json');
      fs.writeFileSync(profileFile, JSON.stringify(profileFor(root, pki, brokerVersion, listeners), null, 2) + '\n', { mode: 0o600 });
      return {
        dir: root,
        profileFile,
        brokerVersion,
        listeners,
        async stop() {
          await proc.stop();
          if (ownDir) fs.rmSync(root, { recursive: true, force: true });
        },
      };
    });
  } catch (e) {
    if (ownDir) fs.rmSync(root, { recursive: true, force: true });
    throw e;
  }
}

/** TLS listeners are addressed as `localhost`, the name the per-run server certificate carries. */
function urlOf(name: ListenerName, port: number): string {
  const transport = transportFor(name);
  return listenerUrl({ tls: isTlsListener(name), host: isTlsListener(name) ? 'localhost' : '127.0.0.1', port, transport, path: DEFAULT_WEBSOCKET_PATH });
}

/** The profile, in the format `--profile` reads (paths relative to the profile file). */
function profileFor(root: string, pki: PkiSet, brokerVersion: string, listeners: Record<string, string>): object {
  const rel = (file: string) => path.relative(root, file);
  const { protocols, notes: _notes, ...capabilities } = mosquittoCapabilities;
  const alice = TEST_POLICY.users.find((u) => u.name === 'alice')!;
  return {
    // It is Mosquitto: named so, the run applies fixtures/expectations/mosquitto.json.
    name: 'mosquitto',
    brokerVersion,
    protocols,
    caFile: rel(pki.caRootCert),
    // mtls maps the certificate's CN (alice) to the user the ACL sees (use_identity_as_username).
    clientCertFile: rel(pki.clientAliceCert),
    clientKeyFile: rel(pki.clientKey),
    credentials: { username: alice.name, password: alice.password },
    policy: profilePolicy(TEST_POLICY),
    negative: {
      expiredClientCertFile: rel(pki.clientExpiredCert),
      expiredClientKeyFile: rel(pki.clientKey),
      revokedClientCertFile: rel(pki.clientRevokedCert),
      revokedClientKeyFile: rel(pki.clientKey),
    },
    listeners,
    capabilities,
  };
}

/** The standard test policy as profile users: each user's read and write filters, `%u` filled in. */
export function profilePolicy(policy: TestPolicy): { users: { username: string; password: string; read: string[]; write: string[] }[] } {
  return {
    users: policy.users.map((u) => {
      const mine = policy.rules.filter((r) => !r.user || r.user === u.name).map((r) => ({ ...r, topic: r.topic.replaceAll('%u', u.name) }));
      return {
        username: u.name,
        password: u.password,
        read: mine.filter((r) => r.access !== 'write').map((r) => r.topic),
        write: mine.filter((r) => r.access !== 'read').map((r) => r.topic),
      };
    }),
  };
}

async function main(): Promise<void> {
  const fixture = await startPublicLayoutFixture(process.argv[2]);
  const stop = () => { void fixture.stop().then(() => process.exit(0)); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.write(`mosquitto ${fixture.brokerVersion}, listeners:\n${Object.entries(fixture.listeners).map(([n, u]) => `  ${n.padEnd(12)}${u}`).join('\n')}\n`);
  process.stdout.write(`profile: ${fixture.profileFile}\n  npm test -- --profile ${fixture.profileFile}\nCtrl-C stops the broker and removes ${fixture.dir}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e: Error) => { process.stderr.write(`error: ${e.message}\n`); process.exit(2); });
}
