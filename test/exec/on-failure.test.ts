/**
 * `apply --on-failure` / `onFailure:`: what happens to the migrations a run applied before
 * one of them failed. stop keeps them; rollback-run runs their downs; restore restores the
 * backup taken before the run, saving the failed state first. On PGlite and PostgreSQL.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_URL, pgliteBackend, postgresBackend, type Backend } from './helpers/backends.js';
import { cleanupTempDirs, cli, lastReport, project } from './helpers/env.js';

const NO_ENV_DB = { MIGRATELINT_DB: '', DATABASE_URL: '' };

/** 0001 ran in an earlier deploy; this run applies 0002 and 0003, then 0004 fails on its second statement. */
function failingProject(extra: Record<string, string> = {}): string {
  return project({
    'migrations/0001_accounts.up.sql': 'CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);\n',
    'migrations/0001_accounts.down.sql': 'DROP TABLE accounts;\n',
    'migrations/0002_ledger.up.sql': 'CREATE TABLE ledger (id bigint PRIMARY KEY, account_id bigint NOT NULL);\n',
    'migrations/0002_ledger.down.sql': 'DROP TABLE ledger;\n',
    'migrations/0003_accounts_email.up.sql': 'ALTER TABLE accounts ADD COLUMN email text;\n',
    'migrations/0003_accounts_email.down.sql': 'ALTER TABLE accounts DROP COLUMN email;\n',
    'migrations/0004_bad.up.sql': 'CREATE TABLE audit (id bigint PRIMARY KEY);\nINSERT INTO audit (id) VALUES (1), (1);\n',
    'migrations/0004_bad.down.sql': 'DROP TABLE audit;\n',
    ...extra,
  });
}

async function tables(db: { query<T>(sql: string): Promise<T[]> }): Promise<string[]> {
  const rows = await db.query<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT IN ('migratelint_migrations', 'schema_migrations') ORDER BY 1`);
  return rows.map((r) => r.t);
}

async function columns(db: { query<T>(sql: string): Promise<T[]> }, table: string): Promise<string[]> {
  const rows = await db.query<{ c: string }>(`SELECT column_name AS c FROM information_schema.columns WHERE table_name = '${table}' ORDER BY ordinal_position`);
  return rows.map((r) => r.c);
}

/** Brings the database to "0001 applied, with a row", as an earlier deploy left it. */
async function firstDeploy(ws: string, url: string, db: { query<T>(sql: string): Promise<T[]> }): Promise<void> {
  const r = await cli(['apply', '--db', url, '--yes', '--no-backup', '--on-failure', 'stop', '--to', '0001'], ws, NO_ENV_DB);
  expect(r.code, r.stderr).toBe(0);
  await db.query(`INSERT INTO accounts (id, name) VALUES (1, 'kept')`);
}

const backends: Backend[] = [pgliteBackend()];
if (PG_URL) backends.push(postgresBackend());
else {
  it('needs MIGRATELINT_TEST_PG_URL (scripts/with-postgres.sh) for the PostgreSQL half', () => {
    throw new Error('MIGRATELINT_TEST_PG_URL is not set: run through scripts/with-postgres.sh');
  });
}

afterAll(async () => {
  for (const b of backends) await b.cleanup();
  cleanupTempDirs();
});

for (const backend of backends) {
  describe(`apply --on-failure on ${backend.name}`, { timeout: 120_000 }, () => {
    it('stop (the default) keeps what the run applied before the failure', async () => {
      const db = await backend.fresh();
      const ws = failingProject();
      await firstDeploy(ws, db.url, db);
      const r = await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws, NO_ENV_DB);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('2 migrations before it stay applied; the run stopped here');
      expect(await tables(db)).toEqual(['accounts', 'ledger']);
      expect(lastReport(ws).onFailure).toBeUndefined();
    });

    it('rollback-run runs the downs of what this run applied, newest first, and keeps earlier deploys and their rows', async () => {
      const db = await backend.fresh();
      const ws = failingProject();
      await firstDeploy(ws, db.url, db);
      const r = await cli(['apply', '--db', db.url, '--yes', '--no-backup', '--on-failure', 'rollback-run'], ws, NO_ENV_DB);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/rolled back {2}0003[^\n]*\n[^]*rolled back {2}0002/);
      expect(r.stderr).toContain('on-failure rollback-run: rolled back 2 migrations this run applied: the database is as before the run');
      expect(await tables(db)).toEqual(['accounts']);
      expect(await columns(db, 'accounts')).toEqual(['id', 'name']);
      expect(await db.query('SELECT id, name FROM accounts')).toEqual([{ id: backend.name === 'postgres' ? '1' : 1, name: 'kept' }]);
      expect(lastReport(ws).onFailure).toMatchObject({ policy: 'rollback-run', result: 'rolled back', migrations: ['0003', '0002'] });
      const status = await cli(['status', '--db', db.url, '--json'], ws, NO_ENV_DB);
      const st = JSON.parse(status.stdout);
      expect(st.migrations.filter((m: { state: string }) => m.state === 'applied').map((m: { id: string }) => m.id)).toEqual(['0001']);
      // The next apply starts again from 0002.
      fs.writeFileSync(path.join(ws, 'migrations/0004_bad.up.sql'), 'CREATE TABLE audit (id bigint PRIMARY KEY);\n');
      const again = await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws, NO_ENV_DB);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain('3 migrations applied');
    });

    it('rollback-run runs no down at all when one of them is missing, and points to the backup', async () => {
      const db = await backend.fresh();
      const ws = failingProject();
      fs.rmSync(path.join(ws, 'migrations/0002_ledger.down.sql'));
      await firstDeploy(ws, db.url, db);
      const r = await cli(['apply', '--db', db.url, '--yes', '--on-failure', 'rollback-run'], ws, NO_ENV_DB);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/on-failure rollback-run: not possible, nothing was rolled back: 0002 has no usable down \(missing\); the backup taken before this run is \.migratelint\/backups\/\S+ \(migratelint restore <file>\)/);
      expect(await tables(db)).toEqual(['accounts', 'ledger']);
      expect(await columns(db, 'accounts')).toEqual(['id', 'name', 'email']);
      expect(lastReport(ws).onFailure).toMatchObject({ policy: 'rollback-run', result: 'not possible' });
    });

    it('restore (from the config) restores the backup taken before the run and keeps the failed state as a backup too', async () => {
      const db = await backend.fresh();
      const ws = failingProject({ '.migratelintrc.yml': 'onFailure: restore\n' });
      await firstDeploy(ws, db.url, db);
      const r = await cli(['apply', '--db', db.url, '--yes'], ws, NO_ENV_DB);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/on-failure restore: restored \.migratelint\/backups\/\S+: the database is as before the run; its failed state is saved in \.migratelint\/backups\/\S+/);
      expect(await tables(db)).toEqual(['accounts']);
      expect(await columns(db, 'accounts')).toEqual(['id', 'name']);
      expect((await db.query<{ name: string }>('SELECT name FROM accounts')).map((x) => x.name)).toEqual(['kept']);
      const report = lastReport(ws);
      expect(report.onFailure).toMatchObject({ policy: 'restore', result: 'restored' });
      expect(fs.existsSync(report.onFailure.safetyBackup)).toBe(true);
      expect(report.onFailure.safetyBackup).not.toBe(report.onFailure.backup);
      // The history came back with the data: only 0001 is applied.
      const st = JSON.parse((await cli(['status', '--db', db.url, '--json'], ws, NO_ENV_DB)).stdout);
      expect(st.migrations.filter((m: { state: string }) => m.state === 'applied').map((m: { id: string }) => m.id)).toEqual(['0001']);
    });
  });
}

describe('--on-failure flags', () => {
  it('refuses an unknown policy, and restore without a whole-database backup, before touching anything (exit 2)', async () => {
    const ws = failingProject();
    let r = await cli(['apply', '--db', 'pglite:memory', '--yes', '--on-failure', 'rollback'], ws, NO_ENV_DB);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--on-failure expects stop, rollback-run, restore, got "rollback"');
    r = await cli(['apply', '--db', 'pglite:memory', '--yes', '--no-backup', '--on-failure', 'restore'], ws, NO_ENV_DB);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--on-failure restore needs the backup apply takes: drop --no-backup');
    r = await cli(['apply', '--db', 'pglite:memory', '--yes', '--tables-only', '--on-failure', 'restore'], ws, NO_ENV_DB);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--on-failure restore needs a whole-database backup');
  });

  it('refuses an unknown onFailure in the config, naming the file and key', async () => {
    const ws = failingProject({ '.migratelintrc.yml': 'onFailure: undo\n' });
    const r = await cli(['apply', '--db', 'pglite:memory', '--yes'], ws, NO_ENV_DB);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.migratelintrc\.yml:1: onFailure: expected one of "stop", "rollback-run", "restore", got "undo"/);
  });
});
