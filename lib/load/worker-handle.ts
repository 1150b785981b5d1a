// The main thread's end of one generator worker: typed messages in both directions and "wait for the
// next message of this type, or the worker's failure, with a timeout".
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './worker-protocol.ts';

export class WorkerHandle {
  readonly worker: Worker;
  private waiters: { type: FromWorker['type']; resolve: (m: FromWorker) => void }[] = [];
  failure: string | undefined;
  onMessage: (m: FromWorker) => void = () => {};

  constructor(resourceLimits?: ResourceLimits) {
    // The boot file registers tsx inside the worker (see there).
    this.worker = new Worker(new URL('./generator-worker-boot.mjs', import.meta.url), resourceLimits ? { resourceLimits } : {});
    this.worker.on('message', (m: FromWorker) => {
      if (m.type === 'error') this.failure ??= m.message;
      this.onMessage(m);
      this.waiters = this.waiters.filter((w) => (w.type === m.type || m.type === 'error' ? (w.resolve(m), false) : true));
    });
    this.worker.on('error', (e) => { this.failure ??= e.message; this.flushWaiters(); });
    this.worker.on('exit', () => { this.failure ??= 'worker exited'; this.flushWaiters(); });
  }

  private flushWaiters(): void {
    for (const w of this.waiters) w.resolve({ type: 'error', message: this.failure! });
    this.waiters = [];
  }

  send(m: ToWorker): void {
    this.worker.postMessage(m);
  }

  next<T extends FromWorker['type']>(type: T, timeoutMs: number): Promise<Extract<FromWorker, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`generator worker sent no "${type}" within ${timeoutMs} ms`)), timeoutMs);
      const settle = (m: FromWorker) => {
        clearTimeout(timer);
        if (m.type === 'error') reject(new Error(m.message));
        else resolve(m as Extract<FromWorker, { type: T }>);
      };
      if (this.failure) return settle({ type: 'error', message: this.failure });
      this.waiters.push({ type, resolve: settle });
    });
  }
}
