/**
 * The execution layer against the embedded database (PGlite on a data directory).
 * Each test gets a copy of one initdb'd data directory: a fresh initdb costs 3-6 s.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pgliteBackend } from './helpers/backends.js';
import { cleanupTempDirs, cli, lastReport, workspace } from './helpers/env.js';
import { scenarios } from './scenarios.js';
import { crashScenarios, lockFileOf, waitFor } from './crash-scenarios.js';

const backend = pgliteBackend();

describe('execution layer on PGlite', { timeout: 120_000 }, () => {
  afterAll(async () => {
    await backend.cleanup();
    cleanupTempDirs();
  });

  scenarios(backend);

  crashScenarios(backend, {
    randomKills: 0,
    waitPhrase: /waiting for the database lock held by pid \d+/,
    busyPhrase: /another migratelint process holds the database lock \(pid \d+ on .*"apply".*\): .*\.lock/,
    lockHeld: async (db, child) => {
      await waitFor(() => {
        try {
          return JSON.parse(fs.readFileSync(lockFileOf(db.url), 'utf8')).pid === child.proc.pid;
        } catch {
          return false;
        }
      });
    },
  });

  it('uses .migratelint/db in the project when --db is not given', async () => {
    const db = await backend.fresh();
    const ws = workspace();
    fs.mkdirSync(path.join(ws, '.migratelint'));
    fs.cpSync(db.url.slice('pglite:'.length), path.join(ws, '.migratelint/db'), { recursive: true });
    const r = await cli(['apply', '--to', '0001'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('1 migration applied to pglite:.migratelint/db.');
    expect(lastReport(ws).db).toBe('pglite:.migratelint/db');
    const st = await cli(['status'], ws);
    expect(st.stdout).toContain('Database: pglite:.migratelint/db (PostgreSQL');
    expect(fs.existsSync(path.join(ws, '.migratelint/db.lock'))).toBe(false);
  });

  it('status and dry run on a database that does not exist yet create nothing', async () => {
    const ws = workspace();
    const st = await cli(['status', '--db', 'pglite:fresh-db'], ws);
    expect(st.code).toBe(0);
    expect(st.stdout).toContain('Database: pglite:fresh-db (not created yet)');
    expect(st.stdout).toContain('0 applied, 4 pending');
    const dry = await cli(['apply', '--db', 'pglite:fresh-db', '--dry-run'], ws);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Would apply 4 migrations');
    expect(fs.existsSync(path.join(ws, 'fresh-db'))).toBe(false);
    const rb = await cli(['rollback', '--db', 'pglite:fresh-db'], ws);
    expect(rb.code).toBe(1);
    expect(rb.stderr).toContain('no database at pglite:fresh-db yet');
    const h = await cli(['health', '--db', 'pglite:fresh-db'], ws);
    expect(h.code).toBe(1);
    expect(h.stdout).toContain('FAIL  connection       no database at pglite:fresh-db yet');
  });

  it('applies to pglite:memory (a throwaway database that lives as long as the process)', async () => {
    const ws = workspace();
    const r = await cli(['apply', '--db', 'pglite:memory', '--yes'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('4 migrations applied to pglite:memory.');
    expect(lastReport(ws).backup.kind).toBe('pglite');
  });
});
