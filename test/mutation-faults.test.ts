// The MQTT 3.1.1 mutation self-test: every 3.1.1 fault in lib/faults/catalogue.ts, injected by the
// proxy in front of a correct broker (local Mosquitto), must make each of its declared catcher tests
// fail on an assertion, and those tests must pass without it (issue 14). The engine, the table and
// the score are test/support/mutation-run.ts (shared with test/mutation-v5.test.ts).
// Needs: the mosquitto binary (apt-get install -y mosquitto).
import { FAULTS, UNTOUCHED_311 } from '../lib/faults/catalogue.ts';
import { defineMutationSelfTest } from './support/mutation-run.ts';

defineMutationSelfTest({
  protocol: '3.1.1',
  // The MQTT 5.0 faults have their own self-test (test/mutation-v5.test.ts, --protocol 5).
  faults: FAULTS.filter((f) => f.protocol === undefined),
  untouched: UNTOUCHED_311,
  minFaults: 70,
  minTouchedPercent: 85,
});
