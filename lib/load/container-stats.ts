// Broker CPU and memory of a container, from the engine's Docker-compatible stats API (DOCKER_HOST,
// unix socket or tcp). The container is the one the driver started (StartedBroker.containerId).
import http from 'node:http';

interface Target {
  socketPath?: string;
  host?: string;
  port?: number;
}

function engine(): Target | undefined {
  const h = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  if (h.startsWith('unix://')) return { socketPath: h.slice('unix://'.length) };
  const m = /^tcp:\/\/([^:/]+):(\d+)/.exec(h);
  return m ? { host: m[1], port: Number(m[2]) } : undefined;
}

function getJson(path: string, timeoutMs = 5000): Promise<unknown> {
  const t = engine();
  if (!t) return Promise.reject(new Error('DOCKER_HOST is neither unix:// nor tcp://'));
  return new Promise((resolve, reject) => {
    const req = http.get({ ...t, path, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => {
        if ((res.statusCode ?? 500) >= 300) return reject(new Error(`${path}: HTTP ${res.statusCode}`));
        try { resolve(JSON.parse(body)); } catch (e) { reject(e as Error); }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${path}: timed out`)));
    req.on('error', reject);
  });
}

/** Cumulative CPU time (ms) and current memory use (bytes) of a container. */
export async function containerUsage(id: string): Promise<{ cpuMs: number; rssBytes: number }> {
  const s = (await getJson(`/containers/${id}/stats?stream=false&one-shot=true`)) as {
    cpu_stats?: { cpu_usage?: { total_usage?: number } };
    memory_stats?: { usage?: number; stats?: { inactive_file?: number } };
  };
  const cpuNs = s.cpu_stats?.cpu_usage?.total_usage ?? 0;
  // Like `docker stats`: usage minus inactive page cache approximates the working set.
  const mem = (s.memory_stats?.usage ?? 0) - (s.memory_stats?.stats?.inactive_file ?? 0);
  return { cpuMs: cpuNs / 1e6, rssBytes: Math.max(0, mem) };
}
