/**
 * `health` on a database nothing was applied to yet (healthy, so `health && apply` can do
 * the first deploy), `status --json` when the database cannot be reached (one JSON object
 * with an `error`), and DATABASE_URL as the target when --db and MIGRATELINT_DB are not set.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_URL, pgliteBackend, postgresBackend } from './helpers/backends.js';
import { cleanupTempDirs, cli, lastReport, project, reports, workspace } from './helpers/env.js';
import { lockOwnerSelf } from '../../src/exec/lock.js';

const backend = pgliteBackend();
/** No target from the environment the tests run in. */
const NO_ENV_DB = { MIGRATELINT_DB: '', DATABASE_URL: '' };
/** Nothing listens on port 1: the connection is refused at once. */
const UNREACHABLE = 'postgres://u:abc@top9@127.0.0.1:1/db';

afterAll(() => cleanupTempDirs());

describe('health', { timeout: 120_000 }, () => {
  it('calls a database nothing was applied to yet healthy, so health && apply does the first deploy', async () => {
    const db = await backend.fresh();
    const ws = workspace();
    let r = await cli(['health', '--db', db.url], ws, NO_ENV_DB);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/: healthy\n/);
    expect(r.stdout).toMatch(/ok {4}migration table +no migrations applied yet \(the first apply creates public\.migratelint_migrations\)/);
    expect(r.stdout).toMatch(/ok {4}pending +4 pending/);
    expect(lastReport(ws)).toMatchObject({ command: 'health', outcome: 'ok', exitCode: 0 });
    let h = JSON.parse((await cli(['health', '--db', db.url, '--json'], ws, NO_ENV_DB)).stdout);
    expect(h).toMatchObject({ healthy: true, pending: 4 });
    expect(h.checks.find((c: { name: string }) => c.name === 'migration table')).toMatchObject({ ok: true });

    r = await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws, NO_ENV_DB);
    expect(r.code, r.stderr).toBe(0);
    h = JSON.parse((await cli(['health', '--db', db.url, '--json'], ws, NO_ENV_DB)).stdout);
    expect(h).toMatchObject({ healthy: true, pending: 0 });
    expect(h.checks.find((c: { name: string }) => c.name === 'migration table').detail).toBe('public.migratelint_migrations present');
  });

  it('is still unhealthy when the database cannot be reached, and says so as JSON', async () => {
    const ws = workspace();
    const r = await cli(['health', '--db', UNREACHABLE, '--json'], ws, NO_ENV_DB);
    expect(r.code).toBe(1);
    const h = JSON.parse(r.stdout);
    expect(h).toMatchObject({ healthy: false, db: 'postgres://u:****@127.0.0.1:1/db' });
    expect(h.checks.find((c: { name: string }) => c.name === 'connection')).toMatchObject({ ok: false });
    expect(r.stdout + r.stderr).not.toContain('top9');
  });
});

describe('status --json when the database cannot be reached', { timeout: 120_000 }, () => {
  it('prints one JSON object with an error (a server that refuses the connection)', async () => {
    const ws = workspace();
    const r = await cli(['status', '--db', UNREACHABLE, '--json'], ws, NO_ENV_DB);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toEqual({ db: 'postgres://u:****@127.0.0.1:1/db', error: expect.stringMatching(/^cannot connect to postgres:\/\/u:\*\*\*\*@127\.0\.0\.1:1\/db: .*ECONNREFUSED/) });
    expect(r.stderr).toContain('migratelint: cannot connect to postgres://u:****@127.0.0.1:1/db');
    const everything = [r.stdout, r.stderr, ...reports(ws).map((x) => JSON.stringify(x))].join('\n');
    expect(everything).not.toContain('top9');
  });

  it('prints one JSON object with an error (a PGlite data directory another process holds)', async () => {
    const db = await backend.fresh();
    const dir = db.url.slice('pglite:'.length);
    fs.writeFileSync(`${dir}.lock`, JSON.stringify({ ...lockOwnerSelf('apply'), pid: process.ppid, process: undefined }));
    const ws = workspace();
    const r = await cli(['status', '--db', db.url, '--json', '--lock-wait', '0'], ws, NO_ENV_DB);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ db: db.url, error: expect.stringContaining('holds the database lock') });
    fs.rmSync(`${dir}.lock`);
  });

  it('prints one JSON object with an error, and exits 2, for an internal error (a broken PGlite data directory)', async () => {
    const ws = workspace({ 'broken/PG_VERSION': '17\n' });
    const r = await cli(['status', '--db', 'pglite:broken', '--json'], ws, NO_ENV_DB);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ db: 'pglite:broken', error: expect.any(String) });
  });

  it('prints one JSON object with an error, and exits 2, for a --db it cannot read', async () => {
    const ws = workspace();
    const r = await cli(['status', '--db', 'postgres://u:abc@top9@h:port/db', '--json'], ws, NO_ENV_DB);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatch(/not a valid PostgreSQL URL/);
    expect(r.stdout + r.stderr).not.toContain('top9');
  });
});

describe('DATABASE_URL', { timeout: 120_000 }, () => {
  it('is the target when neither --db nor MIGRATELINT_DB is given', async () => {
    const ws = workspace();
    const r = await cli(['status', '--json'], ws, { MIGRATELINT_DB: '', DATABASE_URL: UNREACHABLE });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ db: 'postgres://u:****@127.0.0.1:1/db', error: expect.stringContaining('cannot connect') });
    expect(r.stderr).toContain('note: no --db or MIGRATELINT_DB: using DATABASE_URL (postgres://u:****@127.0.0.1:1/db)');
    expect(r.stdout + r.stderr).not.toContain('top9');

    const db = await backend.fresh();
    expect((await cli(['apply', '--db', db.url, '--yes', '--no-backup', '--to', '0002'], ws, NO_ENV_DB)).code).toBe(0);
    const st = await cli(['status'], ws, { MIGRATELINT_DB: '', DATABASE_URL: db.url });
    expect(st.stdout).toContain(`Database: ${db.url} (PostgreSQL`);
    expect(st.stdout).toContain('2 applied, 2 pending');
  });

  it('comes after --db and MIGRATELINT_DB', async () => {
    const ws = workspace();
    const mine = await cli(['status', '--json'], ws, { MIGRATELINT_DB: 'pglite:mine', DATABASE_URL: UNREACHABLE });
    expect(mine.code, mine.stdout).toBe(0);
    expect(JSON.parse(mine.stdout)).toMatchObject({ db: 'pglite:mine', pending: 4 });
    expect(mine.stderr).not.toContain('note:');
    const flag = await cli(['status', '--json', '--db', 'pglite:flag'], ws, { MIGRATELINT_DB: 'pglite:mine', DATABASE_URL: UNREACHABLE });
    expect(JSON.parse(flag.stdout)).toMatchObject({ db: 'pglite:flag' });
  });

  it('without any: the embedded PGlite, said in one note on stderr', async () => {
    const ws = workspace();
    const r = await cli(['status'], ws, NO_ENV_DB);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Database: pglite:.migratelint/db (not created yet)');
    expect(r.stderr.split('\n').filter((l) => l.startsWith('note:'))).toEqual([
      'note: no --db, MIGRATELINT_DB or DATABASE_URL: using the embedded PGlite database pglite:.migratelint/db',
    ]);
    const other = await cli(['status'], ws, { MIGRATELINT_DB: '', DATABASE_URL: 'mysql://root:s3cret@h/db' });
    expect(other.stderr).toContain('note: DATABASE_URL is not a PostgreSQL URL (mysql://root:****@h/db): using the embedded PGlite database pglite:.migratelint/db');
    expect(fs.existsSync(path.join(ws, '.migratelint/db'))).toBe(false);
  });
});

describe('health: server version, long transactions, half-done migrations', { timeout: 120_000 }, () => {
  const check = (h: { checks: { name: string; ok: boolean; detail: string }[] }, name: string) => h.checks.find((c) => c.name === name);

  it('fails when the server is older than the pgVersion lint checked for, and notes a newer one', async () => {
    const db = await backend.fresh(); // PGlite is PostgreSQL 17 or newer
    const older = workspace({ '.migratelintrc.yml': 'pgVersion: 30\n' });
    let r = await cli(['health', '--db', db.url, '--json'], older, NO_ENV_DB);
    expect(r.code).toBe(1);
    let h = JSON.parse(r.stdout);
    expect(check(h, 'server version')).toMatchObject({ ok: false, detail: expect.stringMatching(/^PostgreSQL 1\d\.\d+.*, older than pgVersion 30 in the config: lint assumed features this server lacks \(set pgVersion: 1\d\)$/) });
    const newer = workspace({ '.migratelintrc.yml': 'pgVersion: 13\n' });
    r = await cli(['health', '--db', db.url, '--json'], newer, NO_ENV_DB);
    expect(r.code, r.stdout).toBe(0);
    h = JSON.parse(r.stdout);
    expect(check(h, 'server version')).toMatchObject({ ok: true, detail: expect.stringContaining("(the config's pgVersion is 13: lint checks for 13; set pgVersion: 1") });
  });

  it('without a migrations folder, still reports a migration the history shows half-done', async () => {
    const db = await backend.fresh();
    const ws = workspace();
    expect((await cli(['apply', '--db', db.url, '--yes', '--no-backup', '--to', '0002'], ws, NO_ENV_DB)).code).toBe(0);
    await db.query(`UPDATE migratelint_migrations SET result = 'partial', progress = 1 WHERE version = '0002'`);
    const bare = project({});
    const r = await cli(['health', '--db', db.url, '--json'], bare, NO_ENV_DB);
    expect(r.code).toBe(1);
    expect(check(JSON.parse(r.stdout), 'history')).toEqual({ name: 'history', ok: false, detail: '0002 (partly applied: resume with migratelint apply)' });
  });
});

describe('health on PostgreSQL: long-running transactions', { timeout: 120_000 }, () => {
  const pg = PG_URL ? postgresBackend() : undefined;
  afterAll(async () => pg?.cleanup());

  it('fails while a transaction has been open longer than --max-transaction-age, naming its pid but not its query', async () => {
    if (!pg) throw new Error('MIGRATELINT_TEST_PG_URL is not set: run through scripts/with-postgres.sh');
    const db = await pg.fresh();
    const ws = workspace();
    let r = await cli(['health', '--db', db.url, '--json', '--max-transaction-age', '1s'], ws, NO_ENV_DB);
    expect(r.code, r.stdout).toBe(0);
    const ok = JSON.parse(r.stdout).checks.find((c: { name: string }) => c.name === 'transactions');
    expect(ok).toEqual({ name: 'transactions', ok: true, detail: 'none open longer than 1s' });
    await db.with(async (holder) => {
      await holder.execute('BEGIN');
      await holder.query(`SELECT 'secret-query-text' AS x`);
      const pid = await holder.backendPid();
      await new Promise((res) => setTimeout(res, 1500));
      r = await cli(['health', '--db', db.url, '--json', '--max-transaction-age', '1s'], ws, NO_ENV_DB);
      expect(r.code).toBe(1);
      const bad = JSON.parse(r.stdout).checks.find((c: { name: string }) => c.name === 'transactions');
      expect(bad.ok).toBe(false);
      expect(bad.detail).toMatch(new RegExp(`^pid ${pid} \\(postgres, "migratelint test"\\) idle in transaction for [12]s: the next migration's locks would wait behind it$`));
      expect(r.stdout).not.toContain('secret-query-text');
      await holder.execute('ROLLBACK');
    });
    r = await cli(['health', '--db', db.url, '--max-transaction-age', '30'], ws, NO_ENV_DB);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--max-transaction-age 30: give a unit');
  });
});
