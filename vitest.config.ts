import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Vitest's default leaves one core idle (one worker on 2 cores). Most of the suite's
    // time is spent waiting on PGlite, PostgreSQL and child processes, so every core runs
    // a test file.
    maxWorkers: os.availableParallelism(),
  },
});
