// Needs podman (kube play), Debian's mosquitto and the harness image (.ci/build-harness-image.sh, built
// by .ci/run after npm ci). Issue 16: `k8s-job --shards 3` renders the Indexed Job's pod template as
// one Pod per index; the three run under `podman kube play` with host networking against a Mosquitto
// started here on loopback, each writes its partial to a host directory, and `report merge` combines
// them. The merged sent/received counts must be the shards' sums and the merged p99 must lie between
// the shards' extremes (percentiles from merged histograms, never averaged).
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../lib/core/paths.ts';
import type { ResultsDocument } from '../lib/results/types.ts';
import type { ShardPartial } from '../lib/load/shard-merge.ts';
import { needBinary, needImage } from './support/requirements.ts';
import { startLocalMosquitto } from './support/local-mosquitto.ts';
import { runHarness } from './support/run-harness.ts';

const run = promisify(execFile);
const SHARDS = 3;
/** Three pods start node and the harness at once on a busy 2-core machine: ~100 s at load 40. */
const START_IN_S = 150;

describe('sharded benchmark under podman kube play', () => {
  it('3 shards against one Mosquitto: merged counts are the shards\' sums, merged p99 within their extremes', async (ctx) => {
    needBinary(ctx, 'mosquitto');
    needBinary(ctx, 'podman');
    const image = execFileSync(path.join(ROOT, '.ci/build-harness-image.sh'), ['--print-tag'], { encoding: 'utf8' }).trim();
    needImage(ctx, image, '.ci/build-harness-image.sh');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shards-kube-'));
    const name = `shards-selftest-${randomBytes(3).toString('hex')}`;
    const { broker, stop } = await startLocalMosquitto(name);
    const podFiles = Array.from({ length: SHARDS }, (_, i) => path.join(dir, 'manifests', 'podman', `shard-${i}.yaml`));
    try {
      const plain = broker.listeners.plain!;
      fs.writeFileSync(path.join(dir, 'profile.json'), JSON.stringify({ name: 'mosquitto', listeners: { plain: `mqtt://127.0.0.1:${plain.port}` } }));
      const rendered = await runHarness(['k8s-job', '--shards', String(SHARDS), '--name', name, '--harness-image', image, '--out', path.join(dir, 'manifests'),
        '--podman-partials', path.join(dir, 'partials'), '--start-in', String(START_IN_S), '--profile', path.join(dir, 'profile.json'),
        '--scenario', 'throughput-1to1.qos1', '--duration', '2']);
      expect(rendered.code, rendered.stderr).toBe(0);
      for (const f of podFiles) await run('podman', ['kube', 'play', f]);
      const containers = podFiles.map((_, i) => `${name}-${i}-bench`);
      const { stdout: codes } = await run('podman', ['wait', ...containers], { timeout: (START_IN_S + 120) * 1000 });
      if (codes.trim().split('\n').some((c) => c.trim() !== '0')) {
        const logs = await Promise.all(containers.map(async (c) => `${c}:\n${(await run('podman', ['logs', '--tail', '15', c])).stderr}`));
        throw new Error(`shard exit codes ${codes.trim().replace(/\n/g, ' ')}\n${logs.join('\n')}`);
      }
      const merge = await run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'lib/cli/report.ts'), 'merge', path.join(dir, 'partials'), '--out', path.join(dir, 'merged')], { cwd: ROOT });
      process.stdout.write(merge.stdout);
      const merged = JSON.parse(fs.readFileSync(path.join(dir, 'merged', 'results.json'), 'utf8')) as ResultsDocument;
      const shards = Array.from({ length: SHARDS }, (_, i) => (JSON.parse(fs.readFileSync(path.join(dir, 'partials', `partial-${i}-of-${SHARDS}.json`), 'utf8')) as ShardPartial).scenarios[0]!.result);
      const m = merged.benchmarks![0]!;
      expect(m.error, m.error).toBeUndefined();
      expect(shards.every((s) => s.sent > 0 && s.latency)).toBe(true);
      expect(m.sent).toBe(shards.reduce((a, s) => a + s.sent, 0));
      expect(m.received).toBe(shards.reduce((a, s) => a + s.received, 0));
      expect(m.clients).toBe(SHARDS);
      const p99s = shards.map((s) => s.latency!.p99Ms);
      expect(m.latency!.p99Ms).toBeGreaterThanOrEqual(Math.min(...p99s));
      expect(m.latency!.p99Ms).toBeLessThanOrEqual(Math.max(...p99s));
    } finally {
      for (const f of podFiles) if (fs.existsSync(f)) await run('podman', ['kube', 'down', f]).catch(() => undefined);
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, (START_IN_S + 300) * 1000);
});
