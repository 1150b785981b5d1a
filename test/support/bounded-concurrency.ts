// At most `width` of the wrapped calls run at once; the rest wait their turn in call order. The
// mutation self-tests run each harness run as its own concurrent test, but a 2-core CI machine takes
// only a few harness runs at a time (vitest's maxConcurrency is a global setting, so it is not used).
export function boundedConcurrency(width: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (running >= width) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await fn();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
