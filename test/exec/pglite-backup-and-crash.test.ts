/**
 * The execution layer against the embedded database (PGlite on a data directory): backups,
 * kills, locks held by another process, and the embedded database's own paths.
 * Each test gets a copy of one initdb'd data directory: a fresh initdb costs 3-6 s.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pgliteBackend } from './helpers/backends.js';
import { cleanupTempDirs, cli, lastReport, workspace } from './helpers/env.js';
import { backupScenarios } from './scenarios.js';
import { crashScenarios, lockFileOf, waitFor } from './crash-scenarios.js';

const backend = pgliteBackend();

describe('execution layer on PGlite: backups, kills, locks and embedded paths', { timeout: 120_000 }, () => {
  afterAll(async () => {
    await backend.cleanup();
    cleanupTempDirs();
  });

  backupScenarios(backend);

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

  it('loads the contrib extensions the migrations create (citext), for apply and for rollback', async () => {
    const db = await backend.fresh();
    const ws = workspace({
      'migrations/0005_emails.up.sql': 'CREATE EXTENSION IF NOT EXISTS citext;\nCREATE TABLE emails (address citext PRIMARY KEY);\nINSERT INTO emails VALUES (\'A@example.com\');\n',
      'migrations/0005_emails.down.sql': "DELETE FROM emails WHERE address = 'a@example.com';\nDROP TABLE emails;\nDROP EXTENSION citext;\n",
    });
    const up = await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain('0005');
    // The down reads a citext column after the database was opened again: the extension is loaded then too.
    const down = await cli(['rollback', '--db', db.url, '--yes', '--no-backup'], ws);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toContain('0005');
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
