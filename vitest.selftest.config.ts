// The harness's own tests: unit tests beside the code (lib/**/*.test.ts) and integration tests in test/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['lib/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // vitest's default on this 2-core machine is one worker (cores - 1), so every file would run in
    // turn. Most self-test files wait on broker subprocesses; two files at a time keep CI well under
    // its 30 minutes. The timing-sensitive proofs still run alone (lib/cli/selftest.ts).
    maxWorkers: 2,
    watch: false,
  },
});
