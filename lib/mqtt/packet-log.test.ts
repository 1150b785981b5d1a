import { describe, expect, it } from 'vitest';
import type { Packet } from 'mqtt-packet';
import { PacketLog } from './packet-log.ts';

const ping = { cmd: 'pingresp' } as Packet;
const ack = { cmd: 'puback', messageId: 1 } as Packet;

describe('PacketLog.quiet', () => {
  it('without a mark sees only what arrives in the window', async () => {
    const log = new PacketLog();
    log.add(ack, 4);
    const window = log.quiet(20);
    log.add(ping, 2);
    expect((await window).map((p) => p.cmd)).toEqual(['pingresp']);
  });

  it('from a mark also sees what arrived between the mark and the window', async () => {
    const log = new PacketLog();
    log.add(ping, 2);
    const sent = log.mark();
    log.add(ack, 4); // the forbidden answer, before the window opens
    expect((await log.quiet(20, 'puback', sent)).map((p) => p.cmd)).toEqual(['puback']);
    expect(await log.quiet(20, 'pingresp', sent)).toEqual([]);
  });
});
