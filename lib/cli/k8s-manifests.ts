// Kubernetes manifests for a sharded benchmark (docs/benchmarks-cluster.md): an Indexed Job whose pod
// i runs shard JOB_COMPLETION_INDEX of N and writes its partial to a shared volume, and a merge Job
// that reads them. Pure: plain objects, each validated against the Kubernetes schema by
// kubernetes-models. `podman kube play` runs Pods, not Jobs, so podmanPods renders the Job's pod
// template once per index with JOB_COMPLETION_INDEX set, host networking and a host directory for
// the partials: the same container, args and mounts a cluster would run.
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Job } from 'kubernetes-models/batch/v1/Job';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IVolume } from 'kubernetes-models/v1/Volume';

export const PARTIALS_MOUNT = '/partials';
export const PROFILE_MOUNT = '/etc/mqtt-harness';
export const PROFILE_FILE = 'profile.json';
/** The image's entry point runs lib/cli/main.ts; the merge step runs lib/cli/report.ts instead. */
const NODE = ['/usr/local/bin/node', '--import', 'tsx'];

export interface ShardJobSpec {
  /** Job name (DNS label); pods, claim and config map are named after it. */
  name: string;
  shards: number;
  image: string;
  /** Bench flags for every shard, without --shard/--start-at/--out (added here). */
  benchArgs: string[];
  startAt: string;
  /** The external broker profile's JSON, carried in a ConfigMap and passed as --profile. */
  profileJson?: string;
}

const labels = (s: ShardJobSpec) => ({ 'app.kubernetes.io/name': 'mqtt-harness', 'mqtt-harness/run': s.name });

function profileMap(s: ShardJobSpec): ConfigMap | undefined {
  if (s.profileJson === undefined) return undefined;
  return new ConfigMap({ metadata: { name: `${s.name}-profile`, labels: labels(s) }, data: { [PROFILE_FILE]: s.profileJson } });
}

/** The pod template of the Indexed Job, with the partials volume given by the caller (claim or host dir). */
function shardPodSpec(s: ShardJobSpec, partials: IVolume, index: string): IPodSpec {
  return {
    restartPolicy: 'Never',
    containers: [{
      name: 'bench',
      image: s.image,
      args: [
        '--suite', 'bench', ...s.benchArgs,
        ...(s.profileJson !== undefined ? ['--profile', `${PROFILE_MOUNT}/${PROFILE_FILE}`] : []),
        // Kubernetes expands $(JOB_COMPLETION_INDEX) here; podman does not, and the harness reads it then.
        '--shard', `$(JOB_COMPLETION_INDEX)/${s.shards}`, '--start-at', s.startAt,
        '--out', PARTIALS_MOUNT, '--report-dir', '/tmp/reports',
      ],
      // The Job controller sets this annotation on each pod of an Indexed Job; podman pods get the value.
      env: [/^\d+$/.test(index)
        ? { name: 'JOB_COMPLETION_INDEX', value: index }
        : { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: index } } }],
      volumeMounts: [
        { name: 'partials', mountPath: PARTIALS_MOUNT },
        ...(s.profileJson !== undefined ? [{ name: 'profile', mountPath: PROFILE_MOUNT, readOnly: true }] : []),
      ],
    }],
    volumes: [partials, ...(s.profileJson !== undefined ? [{ name: 'profile', configMap: { name: `${s.name}-profile` } }] : [])],
  };
}

const claimVolume = (s: ShardJobSpec): IVolume => ({ name: 'partials', persistentVolumeClaim: { claimName: `${s.name}-partials` } });

/** job.yaml: the profile's ConfigMap, the partials' claim (ReadWriteMany: every pod writes its own file) and the Indexed Job. */
export function shardJob(s: ShardJobSpec): (ConfigMap | PersistentVolumeClaim | Job)[] {
  const claim = new PersistentVolumeClaim({
    metadata: { name: `${s.name}-partials`, labels: labels(s) },
    spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Gi' } } },
  });
  const job = new Job({
    metadata: { name: s.name, labels: labels(s) },
    spec: {
      completionMode: 'Indexed',
      completions: s.shards,
      // Every shard must run at once: they start publishing at one shared instant.
      parallelism: s.shards,
      backoffLimit: 0,
      template: { metadata: { labels: labels(s) }, spec: shardPodSpec(s, claimVolume(s), "metadata.annotations['batch.kubernetes.io/job-completion-index']") },
    },
  });
  return [...(profileMap(s) ? [profileMap(s)!] : []), claim, job];
}

/** merge-job.yaml: once the Job is complete, one pod merges the partials into <claim>/merged. */
export function mergeJob(s: ShardJobSpec): Job {
  return new Job({
    metadata: { name: `${s.name}-merge`, labels: labels(s) },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels: labels(s) },
        spec: {
          restartPolicy: 'Never',
          containers: [{
            name: 'merge',
            image: s.image,
            command: [...NODE, 'lib/cli/report.ts', 'merge', PARTIALS_MOUNT, '--out', `${PARTIALS_MOUNT}/merged`],
            volumeMounts: [{ name: 'partials', mountPath: PARTIALS_MOUNT }],
          }],
          volumes: [claimVolume(s)],
        },
      },
    },
  });
}

/** podman/shard-<i>.yaml: the Job's pod template as one Pod per index, host networking, partials in hostDir. */
export function podmanPods(s: ShardJobSpec, hostDir: string): (ConfigMap | Pod)[][] {
  return Array.from({ length: s.shards }, (_, i) => {
    const spec = shardPodSpec(s, { name: 'partials', hostPath: { path: hostDir, type: 'DirectoryOrCreate' } }, String(i));
    const pod = new Pod({ metadata: { name: `${s.name}-${i}`, labels: labels(s) }, spec: { ...spec, hostNetwork: true } });
    return [...(profileMap(s) ? [profileMap(s)!] : []), pod];
  });
}

/** Validates every object against the Kubernetes schema (throws naming the field) and renders multi-document YAML (JSON documents). */
export function renderManifests(objects: readonly { validate(): void; toJSON(): unknown }[]): string {
  for (const o of objects) o.validate();
  return objects.map((o) => JSON.stringify(o.toJSON(), null, 2)).join('\n---\n') + '\n';
}
