// `npm run bench:reference`: is our generator at least as fast as Mosquitto's own C clients, on equal
// terms? Against one local Mosquitto, alternating A/B for ROUNDS rounds per QoS (the machine is shared
// and noisy), both sides move the same number of 64-byte messages 1 → 1:
//   ours: the throughput-1to1.qos<N> scenario with `count` = N messages (TCP_NODELAY, closed loop);
//   C:    `mosquitto_sub --nodelay -C N > /dev/null` (it counts, exits at N, prints nothing) and
//         `mosquitto_pub --nodelay -l -M <inflight> < file` (N lines read from a file, not a pipe).
// Time: ours from the shared start to the moment the last publisher finished (deliveries still in
// flight then are left out: a slight handicap to ours); C from the publisher's spawn to the
// subscriber's exit (it includes the publisher's exec and connect: a slight handicap to C, a few ms).
// Loss is gated on both sides: ours must report 0 lost; the C subscriber must have exited with all N
// within max(C_DRAIN_MS, the publisher's own time) after the publisher ended. CPU: ours = the generator threads' CPU time; C = user +
// system time of both client processes (bash's `times` around each). The broker runs with
// max_queued_messages 0, so that neither side is measured on dropped messages.
// Prints per QoS the medians, the ratio ours/C and CPU-seconds per million messages of each side.
// Needs: mosquitto, mosquitto-clients (apt), bash. Exit 0 when both ratios ≥ 1.0 and nothing was lost,
// 1 otherwise, 2 when a tool is missing or a run failed.
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

const ROUNDS = Number(process.env.BENCH_REFERENCE_ROUNDS ?? 3);
/** Messages per run and QoS. QoS 1 stays below 65,535: mosquitto_pub -l ends its run when the PUBACK for
 * its last packet id arrives, and once ids wrap an earlier message with that id ends it early. */
const COUNTS: Record<0 | 1, number> = { 0: Number(process.env.BENCH_REFERENCE_QOS0_COUNT ?? 300_000), 1: 65_000 };
const C_TIMEOUT_MS = 60_000;
const C_DRAIN_MS = 5000;
/** Bound on each of our runs; the count ends it first. */
const OURS_MAX_MS = 60_000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface SideRun { msgsPerSec: number; cpuSec: number; lost: number }

/** Runs one C client under bash, whose `times` reports the child's user and system CPU on stdout. */
function timedClient(command: string, args: string[], redirect: string): { exited: Promise<{ code: number | null; cpuSec: number }>; kill: () => void } {
  const child = spawn('bash', ['-c', `"$@" ${redirect}; s=$?; times; exit $s`, 'bash', command, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<{ code: number | null; cpuSec: number }>((resolve) => child.once('exit', (code) => {
    // Second line of `times`: the children's user and system time, e.g. "0m0.412s 0m0.120s".
    const sec = (t: string) => { const m = t.match(/(\d+)m([\d.]+)s/); return m ? Number(m[1]) * 60 + Number(m[2]) : 0; };
    const children = out.trim().split('\n').at(-1)?.split(/\s+/) ?? [];
    resolve({ code, cpuSec: children.reduce((a, t) => a + sec(t), 0) });
  }));
  return { exited, kill: () => child.kill('SIGKILL') };
}

/**
 * One C-client run: the subscriber first (ready once the broker logs its connection, plus 300 ms for
 * its SUBSCRIBE), then the publisher reading `file`; timed from the publisher's spawn to the subscriber's exit.
 */
async function cClients(broker: StartedBroker, qos: 0 | 1, count: number, file: string, inflight: number, tag: string): Promise<SideRun> {
  const l = broker.listeners.plain!;
  const common = ['-h', l.host, '-p', String(l.port), '-t', `bench/reference/${tag}`, '-q', String(qos), '--nodelay'];
  const subId = `ref-sub-${tag.replace(/\//g, '-')}`;
  const sub = timedClient('mosquitto_sub', [...common, '-i', subId, '-C', String(count)], '> /dev/null');
  let pub: ReturnType<typeof timedClient> | undefined;
  try {
    const t0Wait = performance.now();
    while (!fs.readFileSync(broker.logFile!, 'utf8').includes(` as ${subId} `)) {
      if (performance.now() - t0Wait > 10_000) throw new Error('mosquitto_sub did not connect within 10 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 300));
    const t0 = performance.now();
    pub = timedClient('mosquitto_pub', [...common, '-l', '-M', String(inflight), '-i', `ref-pub-${tag.replace(/\//g, '-')}`], `< ${JSON.stringify(file)}`);
    const killPub = setTimeout(() => pub!.kill(), C_TIMEOUT_MS);
    const p = await pub.exited;
    clearTimeout(killPub);
    // The subscriber may trail the publisher by as long as the publisher took (QoS 0 queues in the broker).
    const drainMs = Math.max(C_DRAIN_MS, performance.now() - t0);
    let drainTimer: NodeJS.Timeout | undefined;
    const subDone = await Promise.race([sub.exited.then((x) => ({ ...x, at: performance.now() })), new Promise<undefined>((r) => { drainTimer = setTimeout(() => r(undefined), drainMs); })]);
    clearTimeout(drainTimer);
    if (!subDone) return { msgsPerSec: 0, cpuSec: p.cpuSec, lost: count };
    return { msgsPerSec: Math.round((count / (subDone.at - t0)) * 1000), cpuSec: p.cpuSec + subDone.cpuSec, lost: subDone.code === 0 ? 0 : count };
  } finally {
    sub.kill();
    pub?.kill();
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
    process.stdout.write(`bench:reference against mosquitto ${broker.brokerVersion} (local, pid ${broker.pid}), ${ROUNDS} rounds A/B alternating, equal counts (QoS 0: ${COUNTS[0].toLocaleString('en-US')}, QoS 1: ${COUNTS[1].toLocaleString('en-US')} messages), load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);
    const lines: string[] = [];
    let ok = true;
    for (const qos of [0, 1] as const) {
      const count = COUNTS[qos];
      const scenario = { ...scenarios.find((s) => s.name === `throughput-1to1.qos${qos}`)!, durationMs: OURS_MAX_MS, count };
      // 64-byte lines: 63 characters + newline, which mosquitto_pub -l strips (payload 63 B ≈ our 64 B).
      const file = path.join(dir, `lines-${qos}.txt`);
      fs.writeFileSync(file, ('x'.repeat(63) + '\n').repeat(count));
      const ours: SideRun[] = [];
      const theirs: SideRun[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        const runOurs = async () => {
          const r = await runScenario(broker!, scenario, { runId: `ref${round}` });
          if (r.error) throw new Error(`our generator failed: ${r.error}`);
          ours.push({ msgsPerSec: r.msgsPerSec, cpuSec: (r.generator?.cpuMs ?? 0) / 1000, lost: r.loss?.lost ?? count });
        };
        const runC = async () => { theirs.push(await cClients(broker!, qos, count, file, scenario.inflight, `${process.pid}/${qos}/${round}`)); };
        // Alternate which goes first, so a burst of load from elsewhere on the machine hits both.
        for (const step of round % 2 ? [runOurs, runC] : [runC, runOurs]) await step();
        const [a, b] = [ours.at(-1)!, theirs.at(-1)!];
        process.stderr.write(`  QoS ${qos} round ${round}: ours ${a.msgsPerSec.toLocaleString('en-US')} msgs/s (lost ${a.lost}), C ${b.msgsPerSec.toLocaleString('en-US')} msgs/s (lost ${b.lost}), load ${os.loadavg()[0]!.toFixed(1)}\n`);
      }
      const a = median(ours.map((x) => x.msgsPerSec));
      const b = median(theirs.map((x) => x.msgsPerSec));
      const ratio = b ? a / b : Infinity;
      const lost = { ours: ours.reduce((x, r) => x + r.lost, 0), c: theirs.reduce((x, r) => x + r.lost, 0) };
      if (ratio < 1 || lost.ours || lost.c) ok = false;
      const cpuPerMillion = (runs: SideRun[]) => median(runs.map((r) => (r.cpuSec / count) * 1e6)).toFixed(2);
      lines.push(`QoS ${qos}  ours ${a.toLocaleString('en-US').padStart(9)} msgs/s   C ${b.toLocaleString('en-US').padStart(9)} msgs/s   ratio ours/C ${ratio.toFixed(3)}   CPU s per 1M msgs: ours ${cpuPerMillion(ours)}, C ${cpuPerMillion(theirs)}   lost: ours ${lost.ours}, C ${lost.c}   (rounds: ours ${ours.map((x) => x.msgsPerSec).join(' / ')}; C ${theirs.map((x) => x.msgsPerSec).join(' / ')})`);
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
