// `print-config --target <t>`: what an operator applies to their own broker so the harness's suites
// (and the external driver) find the standard listeners and test policy: the mosquitto config, then
// the password file and ACL file of the standard test policy (lib/policy/test-policy.ts).
import type { RunPlan } from './args.ts';
import { renderMosquittoConfig } from '../targets/mosquitto-target.ts';
import { renderMosquittoAcl, renderMosquittoPasswordFile } from '../policy/mosquitto-policy-files.ts';
import { TEST_POLICY } from '../policy/test-policy.ts';
import { EXIT, UsageError } from '../core/errors.ts';

const DIR = '/etc/mosquitto/harness';

export function printConfig(plan: RunPlan): number {
  const target = plan.targets[0]!;
  if (target.name !== 'mosquitto') {
    throw new UsageError(`print-config knows mosquitto so far; got --target ${target.name}`);
  }
  const passwordFile = `${DIR}/policy-users.passwd`;
  const aclFile = `${DIR}/policy.acl`;
  const out = [
    `# ---- ${DIR}/mosquitto.conf ----`,
    '# Certificates: your own CA, a server certificate for the broker host name, and a CRL',
    '# (the harness generates a throwaway set per run for managed brokers; it commits none).',
    renderMosquittoConfig({
      bind: '0.0.0.0',
      ports: { plain: 1883, tls: 8883, mtls: 8884, auth: 1884 },
      runAsRoot: false,
      files: {
        pki: { caFile: `${DIR}/ca.crt`, serverCertFile: `${DIR}/server-chain.crt`, serverKeyFile: `${DIR}/server.key`, crlFile: `${DIR}/ca.crl` },
        passwordFile,
        aclFile,
      },
    }),
    `# ---- ${passwordFile} (mosquitto 2.x $7$ PBKDF2-SHA512; users of the standard test policy) ----`,
    renderMosquittoPasswordFile(TEST_POLICY),
    `# ---- ${aclFile} ----`,
    renderMosquittoAcl(TEST_POLICY.rules),
  ];
  process.stdout.write(out.join('\n'));
  return EXIT.ok;
}
