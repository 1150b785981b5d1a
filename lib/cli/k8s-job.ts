// `npm run harness -- k8s-job --shards N [--out dir] [--name n] [--harness-image ref] [--start-at ISO |
// --start-in s] [--podman-partials dir] <bench flags>`: writes the manifests of a sharded benchmark
// (lib/cli/k8s-manifests.ts) into --out: job.yaml (ConfigMap with the --profile, the partials' claim,
// the Indexed Job), merge-job.yaml and, with --podman-partials, podman/shard-<i>.yaml for `podman kube
// play`. The bench flags are validated as a shard would validate them, before anything is written.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT, UsageError } from '../core/errors.ts';
import { writeFileAtomic } from '../results/write-results.ts';
import { assertWritableReportDir } from '../run/report-dir.ts';
import { buildRunPlan, FLAG_OPTIONS, parseFlags } from './args.ts';
import { mergeJob, podmanPods, renderManifests, shardJob, type ShardJobSpec } from './k8s-manifests.ts';

const OWN = {
  shards: { type: 'string' },
  out: { type: 'string' },
  name: { type: 'string' },
  'harness-image': { type: 'string' },
  'start-at': { type: 'string' },
  'start-in': { type: 'string' },
  'podman-partials': { type: 'string' },
} as const;
/** Bench flags k8s-job sets for every pod itself. */
const SET_PER_POD = ['shard', 'report-dir'] as const;
const DEFAULT_START_IN_S = 120;

function positiveInt(flag: string, v: string, max: number): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > max) throw new UsageError(`--${flag} "${v}" is not allowed; use a whole number from 1 to ${max}`);
  return n;
}

/** Splits argv into k8s-job's own flags and the bench flags handed to every pod (as given). */
function split(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...FLAG_OPTIONS, ...OWN }, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]!.replace(/\. To specify.*$/, '')}; see docs/benchmarks-cluster.md`);
  }
  const bench: string[] = [];
  for (const t of parsed.tokens) {
    if (t.kind === 'positional') bench.push(t.value);
    else if (t.kind === 'option' && !(t.name in OWN) && t.name !== 'profile') bench.push(t.rawName, ...(t.value !== undefined ? [t.value] : []));
  }
  return { values: parsed.values, bench };
}

function profileJson(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  const raw = fs.readFileSync(path.resolve(file), 'utf8');
  // The profile travels in a ConfigMap; files it points to would not.
  if (/"[A-Za-z]*File"\s*:/.test(raw)) throw new UsageError(`--profile ${file}: refers to files (certificates, keys), which the ConfigMap does not carry; for a cluster run use a profile with plain listeners`);
  return raw;
}

export function k8sJobCommand(argv: string[]): number {
  const { values: v, bench } = split(argv);
  if (v.shards === undefined) throw new UsageError('k8s-job needs --shards <N>, the number of pods, e.g. --shards 3');
  const shards = positiveInt('shards', v.shards, 1000);
  const stray = SET_PER_POD.find((f) => v[f] !== undefined);
  if (stray) throw new UsageError(`--${stray} is set by k8s-job for each pod; drop it`);
  const name = v.name ?? 'mqtt-harness-bench';
  if (!/^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/.test(name)) throw new UsageError(`--name "${name}" is not allowed; use lower-case letters, digits and '-', at most 42 characters (a Kubernetes name)`);
  if (v['start-at'] !== undefined && v['start-in'] !== undefined) throw new UsageError('give --start-at or --start-in, not both');
  const startInS = v['start-in'] === undefined ? DEFAULT_START_IN_S : positiveInt('start-in', v['start-in'], 86_400);
  const startAt = v['start-at'] ?? new Date(Math.ceil((Date.now() + startInS * 1000) / 1000) * 1000).toISOString();
  // Validate the pods' flags exactly as each pod will (start time, scenarios, profile, thresholds).
  const podArgs = ['--suite', 'bench', ...bench, ...(v.profile ? ['--profile', v.profile] : []), '--shard', `0/${shards}`, '--start-at', startAt, '--out', '/partials'];
  const plan = buildRunPlan(parseFlags(podArgs));
  if (plan.targets.some((t) => t.driver !== 'external')) {
    process.stderr.write('note: every pod starts its own broker (no --profile given); give --profile <broker.json> to load one shared broker\n');
  }
  const spec: ShardJobSpec = {
    name, shards, startAt, benchArgs: bench,
    image: v['harness-image'] ?? 'localhost/mqtt-harness:latest',
    ...(v.profile ? { profileJson: profileJson(v.profile) } : {}),
  };
  const out = path.resolve(v.out ?? `${name}-manifests`);
  assertWritableReportDir(out, '--out');
  // Rendered (and validated) in full before any file is written.
  const files: [string, string][] = [
    ['job.yaml', renderManifests(shardJob(spec))],
    ['merge-job.yaml', renderManifests([mergeJob(spec)])],
    ...(v['podman-partials'] ? podmanPods(spec, path.resolve(v['podman-partials'])).map((docs, i): [string, string] => [`podman/shard-${i}.yaml`, renderManifests(docs)]) : []),
  ];
  for (const [file, text] of files) writeFileAtomic(path.join(out, file), text);
  process.stdout.write(`${files.map(([f]) => path.join(out, f)).join('\n')}\n${shards} shards start publishing at ${startAt}\n`);
  return EXIT.ok;
}
