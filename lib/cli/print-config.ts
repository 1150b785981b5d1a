// `print-config --target <t>`: what an operator applies to their own broker so the harness's suites
// (and the external driver) find the standard listeners and test policy.
import type { RunPlan } from './args.ts';
import { renderMosquittoConfig } from '../targets/mosquitto-target.ts';
import { EXIT, UsageError } from '../run/errors.ts';

export function printConfig(plan: RunPlan): number {
  const target = plan.targets[0]!;
  if (target.name !== 'mosquitto') {
    throw new UsageError(`print-config knows mosquitto so far; got --target ${target.name}`);
  }
  process.stdout.write(renderMosquittoConfig({
    bind: '0.0.0.0',
    ports: { plain: 1883, tls: 8883, mtls: 8884, auth: 1884 },
    runAsRoot: false,
    files: {},
  }));
  return EXIT.ok;
}
