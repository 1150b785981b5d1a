// Starts Debian's mosquitto through the target descriptor's local driver, in a private temp dir.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findTarget } from '../../lib/targets/registry.ts';
import type { StartedBroker } from '../../lib/core/broker.ts';

export async function startLocalMosquitto(runId: string): Promise<{ broker: StartedBroker; stop: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${runId}-`));
  const broker = await findTarget('mosquitto')!.drivers.local!.start({ runId, assets: { workDir: dir, logFile: path.join(dir, 'mosquitto.log') } });
  return {
    broker,
    stop: async () => {
      await broker.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
