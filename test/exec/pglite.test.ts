/**
 * The execution layer against the embedded database (PGlite on a data directory).
 * Backups, kills and locks are in pglite-backup-and-crash.test.ts, so the two files run side by side.
 * Each test gets a copy of one initdb'd data directory: a fresh initdb costs 3-6 s.
 */
import { afterAll, describe } from 'vitest';
import { pgliteBackend } from './helpers/backends.js';
import { cleanupTempDirs } from './helpers/env.js';
import { scenarios } from './scenarios.js';

const backend = pgliteBackend();

describe('execution layer on PGlite', { timeout: 120_000 }, () => {
  afterAll(async () => {
    await backend.cleanup();
    cleanupTempDirs();
  });

  scenarios(backend);
});
