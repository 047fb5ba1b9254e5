import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // tfjs keeps one global engine per process: isolate files in forks, run them one at a time on 2 cores
    pool: 'forks',
    fileParallelism: false,
  },
});
