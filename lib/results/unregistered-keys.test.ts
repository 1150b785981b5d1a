import { expect, test } from 'vitest';
import { unregisteredKeys } from './unregistered-keys.ts';
import { FINDING_TEST_KEYS } from './findings.ts';

import type { ExpectationEntry } from './expectations.ts';

const entry = (key: string, protocol: '3.1.1' | '5' = '3.1.1'): ExpectationEntry => ({ key, protocol, brokerVersions: '1.0.0', failure: { reason: 'r' }, reason: 'r' });

test('entries and finding keys that name no registered test are returned, per target', () => {
  const out = unregisteredKeys(['publish.a', 'tls.x'], [
    { target: 'aedes', deviations: [entry('publish.a'), entry('publish.gone', '5')] },
    { target: 'mosquitto', deviations: [entry('tls.x', '3.1.1'), entry('tls.y')] },
  ], ['tls.x', 'auth.missing']);
  expect(out.expectations).toEqual([{ target: 'aedes', entry: entry('publish.gone', '5') }, { target: 'mosquitto', entry: entry('tls.y') }]);
  expect(out.findingKeys).toEqual(['auth.missing']);
});

test('by default the finding rules\' own keys are checked', () => {
  expect(unregisteredKeys(FINDING_TEST_KEYS, []).findingKeys).toEqual([]);
  expect(unregisteredKeys([], []).findingKeys).toEqual([...FINDING_TEST_KEYS]);
});
