// `npm run bench:reference`: is our generator at least as fast as Mosquitto's own C clients?
// Against one local Mosquitto, alternating A/B for 3 rounds (the machine is shared and noisy), it runs
// our 1 → 1 max-throughput scenario (64 B, QoS 0 and QoS 1) and the same workload with
// `mosquitto_pub -l` (N lines on stdin, -M = our in-flight window) into `mosquitto_sub -C N`.
// The broker runs with max_queued_messages 0 so that neither side is measured on dropped messages.
// Prints msgs/s of each and the ratio ours/C per QoS (medians of the rounds). Needs: mosquitto,
// mosquitto-clients (apt). Exit 0 when both ratios ≥ 1.0, 1 otherwise, 2 when a tool is missing.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mosquittoTarget } from '../lib/targets/mosquitto-target.ts';
import { findBinary } from '../lib/drivers/resolve-driver.ts';
import { runScenario } from '../lib/load/scenario-runner.ts';
import { loadScenarios } from '../lib/load/scenario.ts';
import { ROOT } from '../lib/core/paths.ts';
import type { StartedBroker } from '../lib/core/broker.ts';

const ROUNDS = 3;
const DURATION_MS = Number(process.env.BENCH_REFERENCE_DURATION_MS ?? 4000);
const C_TIMEOUT_MS = 60_000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * One C-client run: subscriber first, then the publisher fed `count` lines; timed from the publisher's
 * start to the last message the subscriber printed (its stdout is counted line by line; it ends after
 * 1 s without data once the publisher has finished). The subscriber's readiness is read from the broker
 * log ("New client connected ... as <id>") plus 300 ms for its SUBSCRIBE. Messages the broker dropped
 * (mosquitto's max_queued_messages) are not counted as delivered, and reported.
 */
async function cClients(broker: StartedBroker, qos: 0 | 1, count: number, inflight: number, round: number): Promise<{ msgsPerSec: number; lost: number }> {
  const l = broker.listeners.plain!;
  const topic = `bench/reference/${process.pid}/${round}/${qos}`;
  const common = ['-h', l.host, '-p', String(l.port), '-t', topic, '-q', String(qos)];
  const subId = `ref-sub-${process.pid}-${round}-${qos}`;
  const sub = spawn('mosquitto_sub', [...common, '-i', subId], { stdio: ['ignore', 'pipe', 'ignore'] });
  let received = 0;
  let lastAt = 0;
  sub.stdout.on('data', (d: Buffer) => {
    for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) received++;
    lastAt = performance.now();
  });
  try {
    const t0Wait = performance.now();
    while (!fs.readFileSync(broker.logFile!, 'utf8').includes(` as ${subId} `)) {
      if (performance.now() - t0Wait > 10_000) throw new Error('mosquitto_sub did not connect within 10 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 300));
    // 64-byte lines: 63 characters + newline, which mosquitto_pub -l strips (payload 63 B ≈ our 64 B).
    const input = Buffer.from(('x'.repeat(63) + '\n').repeat(count));
    const t0 = performance.now();
    const pub = spawn('mosquitto_pub', [...common, '-l', '-M', String(inflight), '-i', `ref-pub-${process.pid}-${round}-${qos}`], { stdio: ['pipe', 'ignore', 'ignore'] });
    pub.stdin.on('error', () => {});
    pub.stdin.end(input);
    const pubDone = new Promise<void>((resolve) => pub.once('exit', () => resolve()));
    const killTimer = setTimeout(() => pub.kill('SIGKILL'), C_TIMEOUT_MS);
    await pubDone;
    clearTimeout(killTimer);
    while (received < count && performance.now() - Math.max(lastAt, t0) < 1000) await new Promise((r) => setTimeout(r, 50));
    return { msgsPerSec: Math.round((received / (lastAt - t0)) * 1000), lost: count - received };
  } finally {
    sub.kill('SIGTERM');
  }
}

async function main(): Promise<number> {
  for (const bin of ['mosquitto', 'mosquitto_pub', 'mosquitto_sub']) {
    if (!findBinary(bin)) {
      process.stderr.write(`error: ${bin} is not on PATH; apt-get install -y mosquitto mosquitto-clients\n`);
      return 2;
    }
  }
  const scenarios = loadScenarios(path.join(ROOT, 'suites/bench'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-reference-'));
  let broker: StartedBroker | undefined;
  const stopAll = async () => { await broker?.stop(); fs.rmSync(dir, { recursive: true, force: true }); };
  process.once('SIGINT', () => { void stopAll().then(() => process.exit(130)); });
  try {
    // max_queued_messages 0 (no limit): the C publisher has no end-to-end flow control, so with the
    // default per-client queue of 1000 mosquitto drops a large share of its messages and the C figure
    // would measure the drop policy. Without the limit both sides are measured on lossless delivery.
    broker = await mosquittoTarget.drivers.local!.start({ target: mosquittoTarget.name, runId: 'bench-reference', assets: { workDir: dir, logFile: path.join(dir, 'mosquitto.log') }, extraSettings: ['max_queued_messages 0'] });
    process.stdout.write(`bench:reference against mosquitto ${broker.brokerVersion} (local, pid ${broker.pid}), ${ROUNDS} rounds A/B alternating, ${DURATION_MS} ms per run of ours\n`);
    const lines: string[] = [];
    let ok = true;
    for (const qos of [0, 1] as const) {
      const scenario = { ...scenarios.find((s) => s.name === `throughput-1to1.qos${qos}`)!, durationMs: DURATION_MS };
      const ours: number[] = [];
      const theirs: number[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        // Alternate which goes first, so a burst of load from elsewhere on the machine hits both.
        const runOurs = async () => {
          const r = await runScenario(broker!, scenario, { runId: `ref${round}` });
          if (r.error) throw new Error(`our generator failed: ${r.error}`);
          ours.push(r.msgsPerSec);
          return r.msgsPerSec;
        };
        // The C clients get as many messages as ours delivered in the same time (≥ 20k), so both runs last
        // about as long. At QoS 1 at most 65,000: mosquitto_pub -l disconnects when the PUBACK for its
        // last message id arrives, and once ids wrap (65,535) an earlier message with that id ends the run early.
        const runC = async () => {
          const wanted = Math.max(20_000, Math.round(((ours.at(-1) ?? (qos ? 30_000 : 100_000)) * DURATION_MS) / 1000));
          const count = qos ? Math.min(65_000, wanted) : wanted;
          const v = await cClients(broker!, qos, count, scenario.inflight, round);
          theirs.push(v.msgsPerSec);
          if (v.lost) process.stderr.write(`  (C clients, QoS ${qos} round ${round}: ${v.lost} of ${count} messages not delivered)\n`);
          return v.msgsPerSec;
        };
        const order = round % 2 ? [runOurs, runC] : [runC, runOurs];
        for (const step of order) await step();
        process.stderr.write(`  QoS ${qos} round ${round}: ours ${ours.at(-1)!.toLocaleString('en-US')} msgs/s, C clients ${theirs.at(-1)!.toLocaleString('en-US')} msgs/s\n`);
      }
      const a = median(ours);
      const b = median(theirs);
      const ratio = a / b;
      if (ratio < 1) ok = false;
      lines.push(`QoS ${qos}  ours ${a.toLocaleString('en-US').padStart(9)} msgs/s   C ${b.toLocaleString('en-US').padStart(9)} msgs/s   ratio ours/C ${ratio.toFixed(3)}   (rounds: ours ${ours.join(' / ')}; C ${theirs.join(' / ')})`);
    }
    process.stdout.write(lines.join('\n') + '\n');
    return ok ? 0 : 1;
  } finally {
    await stopAll();
  }
}

main().then((code) => process.exit(code), (e: unknown) => {
  process.stderr.write(`error: ${(e as Error).message}\n`);
  process.exit(2);
});
