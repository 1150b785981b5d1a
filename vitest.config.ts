// Config for the suites run against brokers (the CLI passes include/provide/reporters via the Node
// API). The harness's own tests use vitest.selftest.config.ts.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['suites/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'threads',
    // Suite files mostly wait on the network and on protocol timers (keep alive, expiry, will
    // delay), not on the CPU: run more files at once than the default (cores - 1).
    maxWorkers: 4,
    watch: false,
  },
});
