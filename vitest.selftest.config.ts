// The harness's own tests: unit tests beside the code (lib/**/*.test.ts) and integration tests in test/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['lib/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    watch: false,
  },
});
