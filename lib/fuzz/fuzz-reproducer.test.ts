import { describe, expect, it } from 'vitest';
import { packetBytes } from './packet-model.ts';
import { connectPacket } from './session-grammar.ts';
import { withoutCredentials } from './fuzz-reproducer.ts';

describe('reproducer vectors carry no credentials', () => {
  it('strips the run\'s user name and password from a CONNECT, clearing their flags', () => {
    const creds = { username: 'harness', password: 'ee9ee01b4cedc1384993862c' };
    for (const protocol of ['3.1.1', '5'] as const) {
      const stripped = withoutCredentials(packetBytes(connectPacket('fz-1', protocol, undefined, creds)), creds);
      expect(stripped.toString('hex')).toBe(packetBytes(connectPacket('fz-1', protocol)).toString('hex'));
    }
    const publish = Buffer.from('3007000466 7a2f61 6162'.replace(/ /g, ''), 'hex');
    expect(withoutCredentials(publish, creds)).toBe(publish);
  });
});
