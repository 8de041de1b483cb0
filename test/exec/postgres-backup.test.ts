/**
 * Backups, restore, health and settings against the real PostgreSQL server that
 * scripts/with-postgres.sh starts; the rest of the execution layer is in postgres.test.ts.
 */
import { afterAll, describe, it } from 'vitest';
import { PG_URL, postgresBackend } from './helpers/backends.js';
import { cleanupTempDirs } from './helpers/env.js';
import { backupScenarios } from './scenarios.js';

if (!PG_URL && process.env.CI) {
  it('has a PostgreSQL server to test against', () => {
    throw new Error('MIGRATELINT_TEST_PG_URL is not set: run the tests through scripts/with-postgres.sh (CI must not skip the server tests)');
  });
}

const backend = postgresBackend();

describe.skipIf(!PG_URL)('execution layer on PostgreSQL: backups and restore', { timeout: 120_000 }, () => {
  afterAll(async () => {
    await backend.cleanup();
    cleanupTempDirs();
  });

  backupScenarios(backend);
});
