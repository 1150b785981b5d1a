// The MQTT 5.0 mutation self-test: every v5 fault (lib/faults/v5-*.ts), injected by the proxy in
// front of a correct broker (local Mosquitto), must make each of its declared catcher tests fail on
// an assertion, and those tests must pass without it (issue 14). The engine, the table and the score
// are test/support/mutation-run.ts (shared with test/mutation-faults.test.ts).
// Needs: the mosquitto binary (apt-get install -y mosquitto).
import { UNTOUCHED_V5, V5_FAULTS } from '../lib/faults/v5-faults.ts';
import { defineMutationSelfTest } from './support/mutation-run.ts';

defineMutationSelfTest({
  protocol: '5',
  faults: V5_FAULTS,
  untouched: UNTOUCHED_V5,
  minFaults: 50,
  // Issue 14 asks for 85%: the v5 faults touch 165 of the 193 statements exercised on Mosquitto
  // (85%; the rest are declared in UNTOUCHED_V5 with their reasons). A ratchet: raise it as faults land.
  minTouchedPercent: 85,
});
