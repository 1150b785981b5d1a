// Everything the harness starts registers its undo here, so brokers, containers and temp
// directories go away after a normal run, a failing run, and on Ctrl-C / SIGTERM.
type Cleanup = { label: string; fn: () => Promise<void> | void };

const stack: Cleanup[] = [];

export function onCleanup(label: string, fn: () => Promise<void> | void): () => void {
  const entry = { label, fn };
  stack.push(entry);
  return () => {
    const i = stack.indexOf(entry);
    if (i >= 0) stack.splice(i, 1);
  };
}

/** Runs (and forgets) every registered cleanup, newest first; never throws. */
export async function cleanupAll(): Promise<void> {
  while (stack.length) {
    const { label, fn } = stack.pop()!;
    try {
      await fn();
    } catch (e) {
      process.stderr.write(`cleanup of ${label} failed: ${(e as Error).message}\n`);
    }
  }
}

let installed = false;
/** On SIGINT/SIGTERM: clean up, then exit with 128+signal. A second signal exits at once. */
export function installSignalHandlers(onSignal?: (signal: NodeJS.Signals) => void): void {
  if (installed) return;
  installed = true;
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(130);
      stopping = true;
      onSignal?.(signal);
      process.stderr.write(`\n${signal}: stopping brokers and removing temporary files...\n`);
      // Libraries in this process (vitest's logger) also listen for the signal and call
      // process.exit a millisecond later; hold every exit until the cleanup has finished.
      const exit = process.exit.bind(process);
      process.exit = (() => undefined) as unknown as typeof process.exit;
      void cleanupAll().finally(() => exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
}
