// A broker the self-test starts itself (its own PKI, its own temp dir), described by a profile file as
// an operator would write one, so the harness can be run against it with --profile: the run then
// treats it as external (its own PKI for client-side material only, reachability first).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StartedBroker, TargetDescriptor } from '../../lib/core/broker.ts';
import type { MisconfigurationName } from '../../lib/policy/misconfiguration.ts';
import { brokerPkiPaths, generatePkiSet } from '../../lib/pki/pki-set.ts';
import type { ExternalProfile } from '../../lib/drivers/external-driver.ts';

const CAPABILITY_FIELDS = ['maxQos', 'retain', 'wildcards', 'sharedSubscriptions', 'sysTopics', 'willMessages', 'persistentSessions', 'tls', 'clientCertificates', 'crl', 'passwordAuth', 'acl'] as const;

export interface ProfiledBroker {
  broker: StartedBroker;
  profileFile: string;
  stop(): Promise<void>;
}

/**
 * Starts `target` with `driver` and writes `<dir>/profile.json` naming everything a run needs: every
 * listener (extra ones too), the broker's CA, alice's client certificate, the expired, not-yet-valid
 * and revoked client certificates of the same CA, and the declared capabilities. Paths are relative
 * to the profile file, as the schema says. The name is the target's, so the same expectations apply.
 */
export async function startProfiledBroker(target: TargetDescriptor, driver: 'local' | 'embedded', misconfiguration?: MisconfigurationName): Promise<ProfiledBroker> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `profiled-${target.name}-`));
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    const pki = await generatePkiSet(path.join(dir, 'pki'));
    const broker = await target.drivers[driver]!.start({
      target: target.name, runId: `profiled-${process.pid}`,
      assets: { workDir: dir, logFile: path.join(dir, 'broker.log'), pki: brokerPkiPaths(pki) },
      ...(misconfiguration ? { misconfiguration } : {}),
    });
    const rel = (f: string) => path.relative(dir, f);
    const profile: ExternalProfile = {
      name: target.name,
      brokerVersion: broker.brokerVersion,
      protocols: broker.capabilities.protocols,
      caFile: rel(pki.caRootCert),
      clientCertFile: rel(pki.clientAliceCert),
      clientKeyFile: rel(pki.clientKey),
      negative: {
        expiredClientCertFile: rel(pki.clientExpiredCert), expiredClientKeyFile: rel(pki.clientKey),
        notYetValidClientCertFile: rel(pki.clientNotYetValidCert), notYetValidClientKeyFile: rel(pki.clientKey),
        revokedClientCertFile: rel(pki.clientRevokedCert), revokedClientKeyFile: rel(pki.clientKey),
      },
      listeners: Object.fromEntries(Object.entries(broker.listeners).map(([n, l]) => [n, l!.url])),
      ...(broker.extraListeners ? { extraListeners: Object.fromEntries(Object.entries(broker.extraListeners).map(([n, l]) => [n, l.url])) } : {}),
      capabilities: Object.fromEntries(CAPABILITY_FIELDS.map((f) => [f, broker.capabilities[f]])),
    };
    const profileFile = path.join(dir, 'profile.json');
    fs.writeFileSync(profileFile, JSON.stringify(profile, null, 2));
    return { broker, profileFile, stop: async () => { try { await broker.stop(); } finally { remove(); } } };
  } catch (e) {
    remove();
    throw e;
  }
}
