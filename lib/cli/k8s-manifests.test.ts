import { describe, expect, it } from 'vitest';
import { mergeJob, podmanPods, renderManifests, shardJob, type ShardJobSpec } from './k8s-manifests.ts';

const spec: ShardJobSpec = { name: 'bench', shards: 3, image: 'localhost/mqtt-harness:x', benchArgs: ['--scenario', 'throughput-1to1.qos1'], startAt: '2026-12-02T03:00:00.000Z', profileJson: '{"name":"b"}' };

describe('k8s manifests', () => {
  it('an Indexed Job of N pods, each shard JOB_COMPLETION_INDEX of N, partials on one claim; schema-valid', () => {
    const docs = shardJob(spec).map((d) => d.toJSON() as { kind: string; spec?: Record<string, unknown> });
    expect(docs.map((d) => d.kind)).toEqual(['ConfigMap', 'PersistentVolumeClaim', 'Job']);
    const job = docs[2]! as unknown as { spec: { completionMode: string; completions: number; parallelism: number; template: { spec: { containers: { args: string[]; env: unknown[] }[] } } } };
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 3, parallelism: 3 });
    const c = job.spec.template.spec.containers[0]!;
    expect(c.args.join(' ')).toContain('--shard $(JOB_COMPLETION_INDEX)/3 --start-at 2026-12-02T03:00:00.000Z --out /partials');
    expect(c.env).toEqual([{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } }]);
    expect(() => renderManifests([...shardJob(spec), mergeJob(spec)])).not.toThrow();
  });

  it('podman: the pod template once per index, index in the environment, host network, host directory', () => {
    const pods = podmanPods(spec, '/tmp/parts').map((docs) => docs[1]!.toJSON() as { metadata: { name: string }; spec: { hostNetwork: boolean; containers: { env: unknown[] }[]; volumes: { hostPath?: { path: string } }[] } });
    expect(pods.map((p) => p.metadata.name)).toEqual(['bench-0', 'bench-1', 'bench-2']);
    expect(pods[2]!.spec.containers[0]!.env).toEqual([{ name: 'JOB_COMPLETION_INDEX', value: '2' }]);
    expect(pods[0]!.spec.hostNetwork).toBe(true);
    expect(pods[0]!.spec.volumes[0]!.hostPath!.path).toBe('/tmp/parts');
  });

  it('the schema check can fail: a bad field is named', () => {
    const job = mergeJob(spec);
    (job.spec as unknown as { completions: unknown }).completions = 'three';
    expect(() => renderManifests([job])).toThrow(/completions must be integer/);
  });
});
