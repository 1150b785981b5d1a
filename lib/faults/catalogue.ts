// The named faults `--fault <name>` can inject. Each one breaks exactly one statement of the
// specification in the way a buggy broker would (most of them only under a condition: one QoS, one
// message in ten, one kind of filter), and names the stable keys of the tests that must catch it.
// test/mutation-faults.test.ts (3.1.1) and test/mutation-v5.test.ts (5) prove that they do.
import type { Fault } from './fault.ts';
import { MALFORMED_311_FAULTS } from './faults-311-malformed.ts';
import { SESSION_311_FAULTS } from './faults-311-session.ts';
import { DELIVERY_311_FAULTS } from './faults-311-delivery.ts';
import { FLOW_311_FAULTS } from './faults-311-flows.ts';
import { RETAIN_311_FAULTS } from './faults-311-retain.ts';
import { V5_FAULTS } from './v5-faults.ts';

export { UNTOUCHED_311 } from './untouched-311.ts';

export const FAULTS: readonly Fault[] = [
  ...SESSION_311_FAULTS,
  ...MALFORMED_311_FAULTS,
  ...DELIVERY_311_FAULTS,
  ...FLOW_311_FAULTS,
  ...RETAIN_311_FAULTS,
  // MQTT 5.0 faults (lib/faults/v5-faults.ts).
  ...V5_FAULTS,
];

export function findFault(name: string): Fault | undefined {
  return FAULTS.find((f) => f.name === name);
}

export const FAULT_NAMES: readonly string[] = FAULTS.map((f) => f.name);
