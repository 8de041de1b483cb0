/**
 * `migratelint stats`: the snapshot of table sizes and activity that lint weighs locks by.
 * On the throwaway PostgreSQL (scripts/with-postgres.sh; skipped locally without it, FAILS
 * under CI): tables of very different sizes, a partitioned table, an invalid index; that
 * nothing is created; a role without pg_read_all_stats (and a revoked view) gets a usable
 * file that says what it could not read; a size function held up by a lock. On PGlite: the
 * command works and its file reads back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_URL, pgliteBackend, postgresBackend, type TestDb } from './helpers/backends.js';
import { cleanupTempDirs, cli, project } from './helpers/env.js';
import { PgDriver } from '../../src/exec/drivers/pg.js';
import { parseDbTarget, type PostgresTarget } from '../../src/exec/url.js';
import { collectStats } from '../../src/exec/stats/collect.js';
import { readStatsFile, type StatsSnapshot, type TableStats } from '../../src/stats/format.js';

if (!PG_URL && process.env.CI) {
  it('has a PostgreSQL server to test against', () => {
    throw new Error('MIGRATELINT_TEST_PG_URL is not set: run the tests through scripts/with-postgres.sh (CI must not skip the server tests)');
  });
}

const NO_ENV_DB = { MIGRATELINT_DB: '', DATABASE_URL: '' };
const BIG_ROWS = 200_000;

afterAll(() => cleanupTempDirs());

function table(s: StatsSnapshot, name: string): TableStats {
  const t = s.tables.find((x) => x.schema === 'public' && x.name === name);
  if (!t) throw new Error(`no table ${name} in the snapshot: ${s.tables.map((x) => x.name).join(', ')}`);
  return t;
}

/** The database as another login: `role` with `password`. */
function as(url: string, role: string, password: string): string {
  const u = new URL(url);
  u.username = role;
  u.password = password;
  return u.toString();
}

describe.skipIf(!PG_URL)('stats on PostgreSQL', { timeout: 60_000 }, () => {
  const backend = postgresBackend();
  const role = `mlt_stats_${process.pid}`;
  const password = `pw-${process.pid}-secret`;
  let db: TestDb;

  beforeAll(async () => {
    db = await backend.fresh();
    await db.with(async (d) => {
      await d.execute(`
        CREATE TABLE big (id int PRIMARY KEY, payload text);
        INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, ${BIG_ROWS}) g;
        CREATE INDEX big_payload ON big (payload);
        CREATE TABLE tiny (id int, name text);
        INSERT INTO tiny VALUES (1, 'a'), (2, 'a');
        CREATE TABLE events (id int, at date) PARTITION BY RANGE (at);
        CREATE TABLE events_2023 PARTITION OF events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
        CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        CREATE INDEX events_at ON events (at);
        INSERT INTO events SELECT g, date '2023-06-01' + (g % 400) FROM generate_series(1, 1000) g;
        ANALYZE;
        CREATE ROLE ${role} LOGIN PASSWORD '${password}';`);
      // A unique index built concurrently over duplicates fails and stays behind, invalid.
      await d.execute('CREATE UNIQUE INDEX CONCURRENTLY tiny_name ON tiny (name)').catch(() => {});
    });
  });

  afterAll(async () => {
    await backend.cleanup();
    const admin = await PgDriver.open(parseDbTarget(PG_URL!, '/') as PostgresTarget, 'test');
    try {
      await admin.execute(`DROP ROLE IF EXISTS ${role}`);
    } finally {
      await admin.close();
    }
  });

  it('writes sizes, rows, partitions and index validity, and creates nothing', async () => {
    const count = `SELECT count(*)::int AS n FROM pg_class`;
    const [before] = await db.query<{ n: number }>(count);
    const cwd = project({});
    const r = await cli(['stats', '--db', db.url], cwd, NO_ENV_DB);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^wrote \.migratelint-stats\.json: 5 tables, 6 indexes, largest public\.big \(\d+(\.\d)? MiB, ~200k rows\)\n$/);
    const [after] = await db.query<{ n: number }>(count);
    expect(after.n).toBe(before.n);
    expect(await db.query(`SELECT 1 FROM pg_class WHERE relname LIKE 'migratelint%'`)).toEqual([]);

    const text = fs.readFileSync(path.join(cwd, '.migratelint-stats.json'), 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    const s = readStatsFile(path.join(cwd, '.migratelint-stats.json'));
    expect(s.unreadable).toEqual([]);
    expect(s.server.versionNum).toBeGreaterThan(100_000);
    expect(s.database).toBe(new URL(db.url).pathname.slice(1));
    const big = table(s, 'big');
    const tiny = table(s, 'tiny');
    expect(Math.abs(big.rows! - BIG_ROWS) / BIG_ROWS).toBeLessThan(0.05);
    expect(tiny.rows).toBe(2);
    expect(big.heapBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(big.indexBytes).toBeGreaterThan(big.heapBytes / 4);
    expect(big.totalBytes).toBe(big.heapBytes + big.indexBytes + big.toastBytes);
    expect(tiny.totalBytes).toBeGreaterThan(0);
    expect(big.totalBytes).toBeGreaterThan(100 * tiny.totalBytes);
    expect(big).toMatchObject({ kind: 'table', inserts: BIG_ROWS, lastAnalyze: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });

    const events = table(s, 'events');
    const parts = [table(s, 'events_2023'), table(s, 'events_2024')];
    expect(events).toMatchObject({ kind: 'partitioned table', partitions: 2, rows: 1000 });
    expect(parts.map((p) => p.partitionOf)).toEqual(['public.events', 'public.events']);
    expect(parts.reduce((n, p) => n + p.rows!, 0)).toBe(1000);
    expect(events.totalBytes).toBe(parts.reduce((n, p) => n + p.totalBytes, 0));
    expect(events.totalBytes).toBeGreaterThan(0);

    const index = (name: string) => s.indexes.find((i) => i.name === name);
    expect(index('big_pkey')).toMatchObject({ table: 'big', valid: true, unique: true, primary: true });
    expect(index('big_payload')).toMatchObject({ valid: true, unique: false, primary: false });
    expect(index('big_payload')!.bytes).toBeGreaterThan(1024 * 1024);
    expect(index('tiny_name')).toMatchObject({ table: 'tiny', valid: false, unique: true });
    // The partitioned index has no storage of its own: its size is its partitions'.
    const partIndexes = s.indexes.filter((i) => i.table.startsWith('events_'));
    expect(index('events_at')!.bytes).toBe(partIndexes.reduce((n, i) => n + i.bytes, 0));
    expect(index('events_at')!.bytes).toBeGreaterThan(0);
  });

  it('gives a role without pg_read_all_stats a usable file that says what was hidden', async () => {
    await db.query(`REVOKE SELECT ON pg_stat_user_tables FROM PUBLIC`);
    // Another role's session in the database, with a transaction open: hidden from the reader.
    const other = await PgDriver.open(parseDbTarget(db.url, '/') as PostgresTarget, 'test');
    try {
      await other.execute('BEGIN; SELECT 1');
      const cwd = project({});
      const r = await cli(['stats', '--db', as(db.url, role, password), '-o', 'reader.json'], cwd, NO_ENV_DB);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/; unreadable: pg_stat_user_tables, pg_stat_activity \(reasons in the snapshot's "unreadable"\)\n$/);
      expect(r.stdout + r.stderr).not.toContain(password);
      const s = readStatsFile(path.join(cwd, 'reader.json'));
      expect(s.unreadable).toEqual([
        'pg_stat_user_tables: permission denied for view pg_stat_user_tables',
        'pg_stat_activity: 1 session of other roles hidden (needs pg_read_all_stats): transactions open longer than 60s among them are not listed',
      ]);
      // What the role could read is there; what it could not is null, not zero.
      expect(table(s, 'big')).toMatchObject({ seqScans: null, inserts: null, lastAnalyze: null });
      expect(table(s, 'big').rows).toBeGreaterThan(BIG_ROWS * 0.95);
      expect(table(s, 'big').totalBytes).toBeGreaterThan(table(s, 'tiny').totalBytes);
      expect(s.indexes.find((i) => i.name === 'tiny_name')).toMatchObject({ valid: false });
    } finally {
      await other.close();
      await db.query(`GRANT SELECT ON pg_stat_user_tables TO PUBLIC`);
    }
  });

  it('estimates sizes from relpages when a lock holds up the size functions, instead of waiting', async () => {
    const holder = await PgDriver.open(parseDbTarget(db.url, '/') as PostgresTarget, 'test');
    const reader = await PgDriver.open(parseDbTarget(db.url, '/') as PostgresTarget, 'test');
    try {
      await holder.execute('BEGIN; LOCK TABLE tiny IN ACCESS EXCLUSIVE MODE');
      const s = await collectStats(reader, { lockTimeoutMs: 200 });
      expect(s.unreadable).toEqual([
        'table sizes: canceling statement due to lock timeout; estimated from pg_class.relpages (as of the last vacuum or analyse) instead',
      ]);
      const big = table(s, 'big');
      expect(big.heapBytes % 8192).toBe(0);
      expect(big.heapBytes).toBeGreaterThan(10 * 1024 * 1024);
      expect(big.indexBytes % 8192).toBe(0);
      expect(big.indexBytes).toBeGreaterThan(0);
      // The indexes are not locked: their own sizes were read.
      expect(s.indexes.find((i) => i.name === 'big_payload')!.bytes).toBeGreaterThan(1024 * 1024);
    } finally {
      await holder.close();
      await reader.close();
    }
  });

  it('weighs one migration by the tables it locks: an error with its size on the big table, a warning on the tiny one, correctness unchanged', async () => {
    const cwd = project({
      '.migratelintrc.yml': 'risk:\n  small: 1MB\n  large: 20MB\n',
      'migrations/0001_indexes.up.sql': 'CREATE INDEX big_id_payload ON big (id, payload);\nCREATE INDEX tiny_id ON tiny (id);\nUPDATE tiny SET name = NULL;\n',
      'migrations/0001_indexes.down.sql': 'DROP INDEX big_id_payload;\nDROP INDEX tiny_id;\n',
    });
    const taken = await cli(['stats', '--db', db.url], cwd, NO_ENV_DB);
    expect(taken.code, taken.stderr).toBe(0);
    const r = await cli(['lint', 'migrations', '--stats', '.migratelint-stats.json', '-f', 'json'], cwd, NO_ENV_DB);
    expect(r.code, r.stderr).toBe(1);
    const up = (JSON.parse(r.stdout).findings as { ruleId: string; severity: string; message: string; direction: string; risk?: { table: string; bytes: number; size: string } }[]).filter((f) => f.direction === 'up');
    const index = (table: string) => up.find((f) => f.ruleId === 'require-concurrent-index' && f.risk?.table === `public.${table}`);
    const big = index('big')!;
    const tiny = index('tiny')!;
    expect(big).toMatchObject({ severity: 'error', risk: { table: 'public.big', size: 'large' } });
    expect(big.message).toMatch(/big: ~2\d\dk rows, \d+(\.\d)? MB — SHARE lock for /);
    expect(tiny).toMatchObject({ severity: 'warn', risk: { table: 'public.tiny', size: 'small' } });
    expect(tiny.message).toContain('small table');
    // Correctness does not depend on size: UPDATE without WHERE on the tiny table stays an error.
    expect(up.filter((f) => f.ruleId === 'no-update-without-where').map((f) => f.severity)).toEqual(['error']);
    // The same migration without the snapshot: both index builds are errors, as always.
    const plain = await cli(['lint', 'migrations', '-f', 'json'], cwd, NO_ENV_DB);
    const plainIndexes = (JSON.parse(plain.stdout).findings as { ruleId: string; severity: string; direction: string }[]).filter((f) => f.ruleId === 'require-concurrent-index' && f.direction === 'up');
    expect(plainIndexes.map((f) => f.severity)).toEqual(['error', 'error']);

    // validate against the database: a snapshot a month older than its last ANALYZE is said to be stale.
    const file = path.join(cwd, '.migratelint-stats.json');
    const old = JSON.parse(fs.readFileSync(file, 'utf8'));
    old.takenAt = new Date(Date.now() - 30 * 86_400_000).toISOString();
    fs.writeFileSync(path.join(cwd, 'old-stats.json'), JSON.stringify(old));
    const v = await cli(['validate', 'migrations', '--db', db.url, '--stats', 'old-stats.json', '--no-trial', '-f', 'json'], cwd, NO_ENV_DB);
    const lint = JSON.parse(v.stdout).checks.find((c: { id: string }) => c.id === 'lint');
    expect(lint.findings.filter((f: { ruleId: string }) => f.ruleId === 'validate/stats-stale').map((f: { message: string }) => f.message)).toEqual([
      expect.stringMatching(/^the table-statistics snapshot \(taken \d{4}-\d\d-\d\d\) is (29|30) days older than the last ANALYZE on /),
    ]);
  });

  it('refuses a login that fails in one line, exit 2, the password masked', async () => {
    const r = await cli(['stats', '--db', as(db.url, role, 'wrong-top-secret')], project({}), NO_ENV_DB);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^migratelint: cannot connect to postgres:\/\/mlt_stats_\d+:\*\*\*\*@/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toContain('wrong-top-secret');
  });
});

describe('stats on PGlite', { timeout: 60_000 }, () => {
  it('writes a snapshot that reads back, and refuses bad usage in one line', async () => {
    const db = await pgliteBackend().fresh();
    await db.with((d) => d.execute('CREATE TABLE orders (id int PRIMARY KEY, total numeric); INSERT INTO orders SELECT g, g FROM generate_series(1, 500) g; ANALYZE orders;'));
    const cwd = project({});
    // --json: the snapshot on stdout, the summary on stderr; -o writes the same text.
    const r = await cli(['stats', '--db', db.url, '-o', 'snap.json', '--json'], cwd, NO_ENV_DB);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^wrote snap\.json: 1 table, 1 index, largest public\.orders \(\d+ KiB, ~500 rows\)\n$/);
    expect(r.stdout).toBe(fs.readFileSync(path.join(cwd, 'snap.json'), 'utf8'));
    const s = readStatsFile(path.join(cwd, 'snap.json'));
    expect(JSON.parse(r.stdout)).toEqual(s);
    expect(table(s, 'orders')).toMatchObject({ kind: 'table', rows: 500 });
    expect(table(s, 'orders').heapBytes).toBeGreaterThan(0);
    expect(s.indexes).toMatchObject([{ name: 'orders_pkey', valid: true, primary: true }]);

    const bad = await cli(['stats', 'extra', '--db', db.url], cwd, NO_ENV_DB);
    expect([bad.code, bad.stderr]).toEqual([2, 'migratelint: stats takes no arguments, got: extra\n']);
    const missing = await cli(['stats', '--db', `pglite:${path.join(cwd, 'nothing')}`], cwd, NO_ENV_DB);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^migratelint: no database at pglite:.*nothing yet/);
    expect(fs.existsSync(path.join(cwd, 'nothing'))).toBe(false);
  });
});
