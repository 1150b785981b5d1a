// Needs Debian's epmd (erlang-base). Proves the harness's epmd is on loopback and gone after stop.
import { expect, test } from 'vitest';
import net from 'node:net';
import { findBinary } from './resolve-driver.ts';
import { startEpmd, uniqueNodeName } from './erlang-node.ts';

const answers = (port: number, host = '127.0.0.1') =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ host, port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });

test('startEpmd: answers on loopback with its port in the env; stop() leaves nothing listening', async (ctx) => {
  if (!findBinary('epmd')) ctx.skip('epmd is not installed: apt-get install -y erlang-base');
  const epmd = await startEpmd('selftest');
  try {
    expect(epmd.env).toEqual({ ERL_EPMD_ADDRESS: '127.0.0.1', ERL_EPMD_PORT: String(epmd.port) });
    expect(await answers(epmd.port)).toBe(true);
  } finally {
    await epmd.stop();
  }
  expect(await answers(epmd.port)).toBe(false);
});

test('node names are unique and on localhost', () => {
  const a = uniqueNodeName('rabbitmq');
  expect(a).toMatch(/^harness-rabbitmq-[0-9a-f]{6}@localhost$/);
  expect(uniqueNodeName('rabbitmq')).not.toBe(a);
});
