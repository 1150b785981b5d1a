// Starts Debian's mosquitto through the target descriptor's local driver, in a private temp dir.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mosquittoTarget } from '../../lib/targets/mosquitto-target.ts';
import type { StartedBroker } from '../../lib/core/broker.ts';

export async function startLocalMosquitto(runId: string): Promise<{ broker: StartedBroker; stop: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${runId}-`));
  const broker = await mosquittoTarget.drivers.local!.start({ target: mosquittoTarget.name, runId, assets: { workDir: dir, logFile: path.join(dir, 'mosquitto.log') } });
  return {
    broker,
    stop: async () => {
      await broker.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
