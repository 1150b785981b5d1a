// Issue 15, parity: aedes (the harness's own aedes host, started by the self-test and described by a
// profile) gets through --profile the same status for every test as through --driver local.
import { describe } from 'vitest';
import { aedesTarget } from '../lib/targets/aedes-target.ts';
import { parityTest } from './support/profile-parity.ts';

describe('profile parity', () => parityTest(aedesTarget));
