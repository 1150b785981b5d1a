// Issue 15, parity: Mosquitto started by the self-test and described by a profile (its listeners, the
// CA, alice's certificate, the negative certificates) gets, through --profile, the same status for
// every test as the harness's own Mosquitto through --driver local. Needs mosquitto (apt-get install -y mosquitto).
import { describe } from 'vitest';
import { mosquittoTarget } from '../lib/targets/mosquitto-target.ts';
import { parityTest } from './support/profile-parity.ts';

describe('profile parity', () => parityTest(mosquittoTarget, 'mosquitto'));
