/**
 * The execution layer against a real PostgreSQL server: the one scripts/with-postgres.sh
 * starts (CI runs the test suite inside it). Without MIGRATELINT_TEST_PG_URL these tests
 * are skipped locally, and FAIL under CI: CI must never silently skip them.
 * Backups and restore are in postgres-backup.test.ts, so the two files run side by side.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_URL, postgresBackend } from './helpers/backends.js';
import { cleanupTempDirs, cli, lastReport, reports, stressed, workspace } from './helpers/env.js';
import { scenarios } from './scenarios.js';
import { crashScenarios, waitFor } from './crash-scenarios.js';
import { PgDriver } from '../../src/exec/drivers/pg.js';
import { parseDbTarget, type PostgresTarget } from '../../src/exec/url.js';
import { ADVISORY_LOCK_KEYS } from '../../src/exec/lock.js';

if (!PG_URL && process.env.CI) {
  it('has a PostgreSQL server to test against', () => {
    throw new Error('MIGRATELINT_TEST_PG_URL is not set: run the tests through scripts/with-postgres.sh (CI must not skip the server tests)');
  });
}

const backend = postgresBackend();
const password = PG_URL ? new URL(PG_URL).password : '';

describe.skipIf(!PG_URL)('execution layer on PostgreSQL', { timeout: 120_000 }, () => {
  afterAll(async () => {
    await backend.cleanup();
    cleanupTempDirs();
  });

  scenarios(backend);

  crashScenarios(backend, {
    randomKills: stressed(1),
    waitPhrase: /waiting for the migration lock held by pid \d+/,
    busyPhrase: /another apply holds the lock on postgres:\/\/postgres:\*\*\*\*@[^ ]+ \(pid \d+, postgres@127\.0\.0\.1, "migratelint apply"/,
    lockHeld: async (db) => {
      await waitFor(async () => {
        const rows = await db.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid::bigint = $1 AND objid::bigint = $2 AND granted`, [
          ...ADVISORY_LOCK_KEYS,
        ]);
        return rows.length > 0;
      });
    },
  });

  it('retries a statement that hits lock_timeout, with back-off, and fails cleanly when the lock never comes', async () => {
    const db = await backend.fresh();
    const ws = workspace({
      'migrations/0005_nickname.up.sql': 'ALTER TABLE customers ADD COLUMN nickname text;\n',
      'migrations/0005_nickname.down.sql': 'ALTER TABLE customers DROP COLUMN nickname;\n',
    });
    expect((await cli(['apply', '--db', db.url, '--yes', '--no-backup', '--to', '0004'], ws)).code).toBe(0);
    const blocker = await PgDriver.open(parseDbTarget(db.url, '/') as PostgresTarget, 'test-blocker');
    try {
      await blocker.execute('BEGIN');
      await blocker.execute('LOCK TABLE customers IN ACCESS EXCLUSIVE MODE');
      let r = await cli(['apply', '--db', db.url, '--yes', '--no-backup', '--lock-timeout', '100ms', '--retries', '2', '--retry-backoff', '50ms'], ws);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('0005: lock timeout at statement 1 (attempt 1 of 3); trying again in 0.1 s');
      expect(r.stderr).toContain('0005: lock timeout at statement 1 (attempt 2 of 3); trying again in 0.1 s');
      expect(r.stderr).toContain('canceling statement due to lock timeout (SQLSTATE 55P03)');
      expect(lastReport(ws).migrations[0]).toMatchObject({ id: '0005', result: 'failed', attempts: 3 });
      expect(await db.query(`SELECT result FROM migratelint_migrations WHERE version = '0005'`)).toEqual([{ result: 'failed' }]);

      // The lock goes away while apply backs off: it gets through.
      setTimeout(() => void blocker.execute('COMMIT'), 700);
      r = await cli(['apply', '--db', db.url, '--yes', '--no-backup', '--lock-timeout', '200ms', '--retries', '6', '--retry-backoff', '100ms'], ws);
      expect(r.code, r.stderr).toBe(0);
      expect(lastReport(ws).migrations[0].attempts).toBeGreaterThan(1);
      expect(await db.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'customers' AND column_name = 'nickname'`)).toHaveLength(1);
    } finally {
      await blocker.close();
    }
  });

  it('stops a statement at statement_timeout', async () => {
    const db = await backend.fresh();
    const ws = workspace({ 'migrations/0005_sleepy.up.sql': 'SELECT pg_sleep(3);\n', 'migrations/0005_sleepy.down.sql': 'SELECT 1;\n' });
    const t0 = Date.now();
    const r = await cli(['apply', '--db', db.url, '--yes', '--no-backup', '--statement-timeout', '300ms'], ws);
    expect(r.code).toBe(1);
    expect(Date.now() - t0).toBeLessThan(2900);
    expect(r.stderr).toContain('canceling statement due to statement timeout (SQLSTATE 57014)');
  });

  it('falls back to a logical COPY backup when no pg_dump as new as the server is installed', async () => {
    const db = await backend.fresh();
    const ws = workspace();
    expect((await cli(['apply', '--db', db.url, '--yes', '--no-backup', '--to', '0002'], ws)).code).toBe(0);
    const saved = process.env.MIGRATELINT_PG_BINDIR;
    process.env.MIGRATELINT_PG_BINDIR = '';
    try {
      const r = await cli(['apply', '--db', db.url, '--yes'], ws);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/note: no pg_dump of version \d+ or newer is installed/);
      const report = lastReport(ws);
      expect(report.backup).toMatchObject({ kind: 'logical', note: expect.stringContaining('pg_dump') });
      // 0003 and 0004 touch customers and orders: their rows are in the backup.
      const text = fs.readFileSync(report.backup.file, 'utf8');
      expect(text).toContain('COPY "public"."customers" ("id", "name", "created_at") FROM stdin;');
      expect(text).toContain('COPY "public"."orders" ("id", "customer_id", "total_cents") FROM stdin;');
      // A pg_dump archive cannot be restored without pg_restore: said plainly.
      delete process.env.MIGRATELINT_PG_BINDIR;
      const b = await cli(['backup', '--db', db.url, '--output', 'full.dump'], ws);
      expect(b.code, b.stderr).toBe(0);
      process.env.MIGRATELINT_PG_BINDIR = '';
      const rr = await cli(['restore', 'full.dump', '--db', db.url, '--yes', '--no-backup'], ws);
      expect(rr.code).toBe(1);
      expect(rr.stderr).toMatch(/no pg_restore of version \d+ or newer is installed/);
      expect(await db.query('SELECT count(*)::int AS n FROM orders')).toEqual([{ n: 2 }]);
    } finally {
      if (saved === undefined) delete process.env.MIGRATELINT_PG_BINDIR;
      else process.env.MIGRATELINT_PG_BINDIR = saved;
    }
  });

  it('a restore that fails half way puts the database back as it was (drop and recreate, not --clean)', async () => {
    const db = await backend.fresh();
    const ws = workspace();
    expect((await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws)).code).toBe(0);
    expect((await cli(['backup', '--db', db.url, '--output', 'good.dump'], ws)).code).toBe(0);
    // A damaged archive whose checksum file was rewritten to match: only pg_restore can tell.
    const good = fs.readFileSync(path.join(ws, 'good.dump'));
    const bad = path.join(ws, 'bad.dump');
    fs.writeFileSync(bad, good.subarray(0, Math.floor(good.length * 0.6)));
    const meta = JSON.parse(fs.readFileSync(path.join(ws, 'good.dump.json'), 'utf8'));
    const crypto = await import('node:crypto');
    meta.file = bad;
    meta.sha256 = crypto.createHash('sha256').update(fs.readFileSync(bad)).digest('hex');
    fs.writeFileSync(`${bad}.json`, JSON.stringify(meta));
    await db.query(`INSERT INTO customers (name) VALUES ('after backup')`);

    const r = await cli(['restore', 'bad.dump', '--db', db.url, '--yes'], ws);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/restore failed; \w+ is unchanged: pg_restore/);
    expect(await db.query(`SELECT name FROM customers ORDER BY id`)).toEqual([{ name: 'Ada' }, { name: 'Grace' }, { name: 'after backup' }]);
    expect(JSON.parse((await cli(['status', '--db', db.url, '--json'], ws)).stdout).applied).toBe(4);
  });

  it('asks before touching a server on a terminal, unless --yes', async () => {
    const db = await backend.fresh();
    const ws = workspace();
    let r = await cli(['apply', '--db', db.url, '--no-backup'], ws, {}, { answer: 'n' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Apply 4 migrations to postgres:\/\/postgres:\*\*\*\*@127\.0\.0\.1:\d+\/\w+\? \[y\/N\]/);
    expect(r.stderr).toContain('cancelled: nothing was changed');
    expect(await db.query(`SELECT to_regclass('customers') IS NULL AS none`)).toEqual([{ none: true }]);
    r = await cli(['apply', '--db', db.url, '--no-backup', '--to', '0001'], ws, {}, { answer: 'y' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('applied  0001');
    r = await cli(['rollback', '--db', db.url, '--no-backup'], ws, {}, { answer: 'no' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Roll back 1 migration on postgres://postgres:****@');
    r = await cli(['apply', '--db', db.url, '--no-backup', '--yes', '--to', '0002'], ws, {}, { answer: 'n' });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('[y/N]');
  });

  it('reaches a server described only by PG* environment variables (--db postgres:)', async () => {
    const db = await backend.fresh();
    const ws = workspace();
    const u = new URL(db.url);
    const env = { PGHOST: u.hostname, PGPORT: u.port, PGUSER: decodeURIComponent(u.username), PGPASSWORD: password, PGDATABASE: u.pathname.slice(1) };
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env); // pg and pg_dump read them from the process environment
    try {
      const r = await cli(['apply', '--db', 'postgres:', '--yes', '--to', '0002'], ws);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`2 migrations applied to postgres://postgres:****@${u.hostname}:${u.port}/${u.pathname.slice(1)}.`);
      expect(lastReport(ws).backup.kind).toBe('pg_dump');
      expect(r.stdout + r.stderr + JSON.stringify(lastReport(ws))).not.toContain(password);
      // Restore through the same environment: drop, recreate, pg_restore.
      await db.query('DELETE FROM orders');
      const rr = await cli(['restore', lastReport(ws).backup.file, '--db', 'postgres:', '--yes', '--no-backup'], ws);
      expect(rr.code, rr.stderr).toBe(0);
      expect(await db.query(`SELECT to_regclass('orders') IS NULL AS gone`)).toEqual([{ gone: true }]);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    expect(JSON.parse((await cli(['status', '--db', db.url, '--json'], ws)).stdout).applied).toBe(0);
  });

  it('keeps the history table in the schema --schema names', async () => {
    const db = await backend.fresh();
    const ws = workspace();
    let r = await cli(['apply', '--db', db.url, '--yes', '--no-backup', '--schema', 'release_meta'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(await db.query(`SELECT to_regclass('release_meta.migratelint_migrations') IS NOT NULL AS there, to_regclass('public.migratelint_migrations') IS NULL AS not_public`)).toEqual([
      { there: true, not_public: true },
    ]);
    r = await cli(['status', '--db', db.url, '--schema', 'release_meta'], ws);
    expect(r.stdout).toContain('History:  release_meta.migratelint_migrations');
    expect(r.stdout).toContain('4 applied, 0 pending');
  });

  it('never shows the password: outputs, errors and reports mask it', async () => {
    expect(password.length).toBeGreaterThan(3);
    const db = await backend.fresh();
    const ws = workspace({ 'migrations/0005_bad.up.sql': 'SELECT * FROM nowhere;\n', 'migrations/0005_bad.down.sql': 'SELECT 1;\n' });
    const runs = [
      await cli(['apply', '--db', db.url, '--yes'], ws),
      await cli(['status', '--db', db.url], ws),
      await cli(['health', '--db', db.url], ws),
      await cli(['backup', '--db', db.url], ws),
      await cli(['rollback', '--db', db.url, '--yes', '--dry-run'], ws),
      await cli(['apply', '--db', db.url.replace(`:${password}@`, ':wrong-secret@'), '--yes'], ws),
      await cli(['status', '--db', `${db.url}?sslmode=verify-full&sslrootcert=${process.env.MIGRATELINT_TEST_PG_SSL_CA}`], ws),
    ];
    expect(runs[0].code).toBe(1);
    expect(runs[0].stderr).toContain('relation "nowhere" does not exist');
    expect(runs[5].code).toBe(1);
    expect(runs[5].stderr).toMatch(/cannot connect to postgres:\/\/postgres:\*\*\*\*@127\.0\.0\.1:\d+\/\w+: password authentication failed/);
    // sslmode is honoured: the server's certificate is for "localhost", so verify-full on 127.0.0.1 fails.
    expect(runs[6].code).toBe(1);
    expect(runs[6].stderr).toMatch(/cannot connect to postgres:\/\/postgres:\*\*\*\*@127\.0\.0\.1:\d+\/\w+\?sslmode=verify-full&sslrootcert=\S+: server certificate for "localhost" does not match host name "127\.0\.0\.1"/);
    const everything = [...runs.flatMap((r) => [r.stdout, r.stderr]), ...reports(ws).map((x) => JSON.stringify(x))].join('\n');
    expect(everything).toContain('postgres://postgres:****@127.0.0.1');
    expect(everything).not.toContain(password);
    expect(everything).not.toContain('wrong-secret');
    for (const f of fs.readdirSync(path.join(ws, '.migratelint/backups')).filter((x) => x.endsWith('.json'))) {
      expect(fs.readFileSync(path.join(ws, '.migratelint/backups', f), 'utf8')).not.toContain(password);
    }
  });
});
