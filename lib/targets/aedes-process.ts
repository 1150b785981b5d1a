// Entry point of the aedes broker under the local driver: a Node child process. Reads its options as
// JSON from argv[2], prints one `aedes-ready <json ports>` line when listening, exits on SIGTERM.
import fs from 'node:fs';
import { startAedesBroker, type AedesBrokerOptions } from './aedes-broker.ts';
import { aedesPolicyHooks } from './aedes-policy.ts';
import type { MisconfigurationName } from '../core/misconfiguration-name.ts';

const options = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as AedesBrokerOptions & { policy?: boolean; misconfig?: MisconfigurationName };
const broker = await startAedesBroker({
  ...options,
  hooks: options.policy ? aedesPolicyHooks(options.misconfig) : undefined,
  log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
});
process.stdout.write(`aedes-ready ${JSON.stringify({ ports: broker.ports, extraPorts: broker.extraPorts })}\n`);
const stop = () => { void broker.close().finally(() => process.exit(0)); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
