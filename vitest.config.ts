import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Vitest's default leaves one core idle (one worker on 2 cores). Much of the suite's
    // time is spent waiting on PostgreSQL, child processes and the frameworks' own CLIs,
    // so one more test file runs than there are cores.
    maxWorkers: os.availableParallelism() + 1,
  },
});
