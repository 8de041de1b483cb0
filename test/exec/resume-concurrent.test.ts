/**
 * CONCURRENTLY statements PostgreSQL runs as several transactions, interrupted half way
 * on a real server, and the next run finishing the job:
 * - DETACH PARTITION … CONCURRENTLY killed (or cancelled) after its first transaction
 *   leaves the partition "detach pending": the next apply runs DETACH … FINALIZE;
 * - REINDEX … CONCURRENTLY killed before or after its swap leaves INVALID `_ccnew` /
 *   `_ccold` indexes: the next apply drops them and reindexes again;
 * - a down stopped part way: status names rollback (which accepts it), not apply.
 *
 * The half-done state is made deterministic with a second connection holding a
 * transaction the statement's second phase waits for; the CLI child is killed with
 * SIGKILL while it waits. Runs against the server scripts/with-postgres.sh starts:
 * skipped locally without MIGRATELINT_TEST_PG_URL, and FAILS under CI.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { PG_URL, postgresBackend, type TestDb } from './helpers/backends.js';
import { cleanupTempDirs, cli, lastReport, project, spawnCli } from './helpers/env.js';
import { PgDriver } from '../../src/exec/drivers/pg.js';
import type { Driver } from '../../src/exec/drivers/types.js';
import { parseDbTarget, type PostgresTarget } from '../../src/exec/url.js';

if (!PG_URL && process.env.CI) {
  it('has a PostgreSQL server to test against', () => {
    throw new Error('MIGRATELINT_TEST_PG_URL is not set: run the tests through scripts/with-postgres.sh (CI must not skip the server tests)');
  });
}

const backend = postgresBackend();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RUN = ['--yes', '--no-backup', '--lock-wait', '30s'];

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** A second session that holds a transaction open, as a long report query would. */
async function blocker(db: TestDb, holding: string): Promise<Driver> {
  const d = await PgDriver.open(parseDbTarget(db.url, '/') as PostgresTarget, 'test-blocker');
  await d.execute('BEGIN');
  await d.execute(holding);
  return d;
}

/**
 * Starts `apply` as a child process, waits until `halfDone` says its statement committed
 * its first part and it is waiting for the blocker, kills it with SIGKILL, and waits until
 * the server has ended its sessions (as it does by itself within a second).
 */
async function killWhileWaiting(db: TestDb, ws: string, halfDone: () => Promise<boolean>): Promise<void> {
  const child = await spawnCli(['apply', '--db', db.url, ...RUN, '--lock-timeout', '60s'], ws);
  try {
    await until('the statement to wait half done', async () => {
      const waiting = await db.query(
        `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'migratelint apply' AND wait_event_type = 'Lock'`,
      );
      return waiting.length > 0 && (await halfDone());
    });
  } finally {
    child.proc.kill('SIGKILL');
  }
  expect((await child.exited).signal).toBe('SIGKILL');
  await db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'migratelint apply'`);
  await until('the killed run to leave the server', async () =>
    (await db.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'migratelint apply'`)).length === 0,
  );
}

async function historyOf(db: TestDb, version: string): Promise<{ direction: string; result: string; progress: number }> {
  const [row] = await db.query(
    `SELECT direction, result, progress FROM migratelint_migrations WHERE version = $1 AND result <> 'failed' ORDER BY id DESC LIMIT 1`,
    [version],
  );
  return row as { direction: string; result: string; progress: number };
}

const partitions = (detach: string) =>
  project({
    'migrations/0001_measurements.up.sql': [
      'CREATE TABLE measurements (id int NOT NULL, taken date NOT NULL) PARTITION BY RANGE (taken);',
      "CREATE TABLE measurements_2023 PARTITION OF measurements FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');",
      "CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
      "INSERT INTO measurements VALUES (1, '2023-05-01'), (2, '2023-06-01'), (3, '2024-02-01');",
      '',
    ].join('\n'),
    'migrations/0001_measurements.down.sql': 'DROP TABLE measurements;\n',
    'migrations/0002_detach_2023.up.sql': `${detach}\n`,
    'migrations/0002_detach_2023.down.sql': "ALTER TABLE measurements ATTACH PARTITION measurements_2023 FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');\n",
  });

const DETACH = 'ALTER TABLE measurements DETACH PARTITION measurements_2023 CONCURRENTLY;';

async function detachPending(db: TestDb): Promise<boolean | undefined> {
  const [row] = await db.query<{ pending: boolean }>(`SELECT inhdetachpending AS pending FROM pg_inherits WHERE inhrelid = to_regclass('measurements_2023')`);
  return row?.pending;
}

/** The partition is detached: no pg_inherits row, the table and its rows still there. */
async function expectDetached(db: TestDb): Promise<void> {
  expect(await detachPending(db)).toBeUndefined();
  expect(await db.query('SELECT id FROM measurements_2023 ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
  expect(await db.query('SELECT id FROM measurements ORDER BY id')).toEqual([{ id: 3 }]);
  expect(await historyOf(db, '0002')).toMatchObject({ direction: 'up', result: 'applied' });
}

const readings = (reindex: string) =>
  project({
    'migrations/0001_readings.up.sql': [
      'CREATE TABLE readings (id int PRIMARY KEY, v int);',
      'CREATE INDEX readings_v_idx ON readings (v);',
      'INSERT INTO readings SELECT g, g % 10 FROM generate_series(1, 200) AS g;',
      '',
    ].join('\n'),
    'migrations/0001_readings.down.sql': 'DROP TABLE readings;\n',
    'migrations/0002_reindex.up.sql': `${reindex}\n`,
    'migrations/0002_reindex.down.sql': 'SELECT 1;\n',
  });

const leftovers = (db: TestDb) =>
  db.query<{ name: string; valid: boolean }>(
    `SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = 'readings'::regclass AND c.relname ~ '_cc(new|old)' ORDER BY 1`,
  );

async function expectReindexed(db: TestDb): Promise<void> {
  expect(await leftovers(db)).toEqual([]);
  expect(await db.query(`SELECT count(*)::int AS n FROM pg_index WHERE NOT indisvalid`)).toEqual([{ n: 0 }]);
  expect(
    await db.query(`SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'readings'::regclass ORDER BY 1`),
  ).toEqual([{ name: 'readings_pkey' }, { name: 'readings_v_idx' }]);
  expect(await historyOf(db, '0002')).toMatchObject({ direction: 'up', result: 'applied' });
}

describe.skipIf(!PG_URL)('half-done concurrent statements on PostgreSQL', { timeout: 60_000 }, () => {
  afterAll(async () => {
    await backend.cleanup();
    cleanupTempDirs();
  });

  it('DETACH PARTITION CONCURRENTLY killed while it waits: the next apply finalizes the pending detach', async () => {
    const db = await backend.fresh();
    const ws = partitions(DETACH);
    expect((await cli(['apply', '--db', db.url, ...RUN, '--to', '0001'], ws)).code).toBe(0);
    // A transaction that has read the partitioned table: the detach's second half waits for it.
    const reader = await blocker(db, 'SELECT count(*) FROM measurements');
    try {
      await killWhileWaiting(db, ws, async () => (await detachPending(db)) === true);
    } finally {
      await reader.execute('COMMIT');
      await reader.close();
    }
    expect(await detachPending(db)).toBe(true);
    expect(await historyOf(db, '0002')).toMatchObject({ result: 'running', progress: 0 });

    const r = await cli(['apply', '--db', db.url, ...RUN], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      'partition "measurements_2023" of "measurements" was left pending detach by an interrupted DETACH PARTITION CONCURRENTLY: ' +
        'finishing it with ALTER TABLE "measurements" DETACH PARTITION "measurements_2023" FINALIZE',
    );
    expect(lastReport(ws).migrations[0]).toMatchObject({ id: '0002', result: 'applied', cleanedUp: ['"measurements_2023": pending detach from "measurements" finalized'] });
    await expectDetached(db);
  });

  it('DETACH PARTITION CONCURRENTLY cancelled by statement_timeout: the failure says so, and the next apply finalizes it', async () => {
    const db = await backend.fresh();
    const ws = partitions(DETACH);
    expect((await cli(['apply', '--db', db.url, ...RUN, '--to', '0001'], ws)).code).toBe(0);
    const reader = await blocker(db, 'SELECT count(*) FROM measurements');
    let r;
    try {
      r = await cli(['apply', '--db', db.url, ...RUN, '--lock-timeout', '30s', '--statement-timeout', '500ms'], ws);
    } finally {
      await reader.execute('COMMIT');
      await reader.close();
    }
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('SQLSTATE 57014');
    expect(r.stderr).toContain('the next run finishes it with ALTER TABLE "measurements" DETACH PARTITION "measurements_2023" FINALIZE');
    expect(await detachPending(db)).toBe(true);

    r = await cli(['apply', '--db', db.url, ...RUN], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('left pending detach by an interrupted DETACH PARTITION CONCURRENTLY');
    await expectDetached(db);
  });

  it('a resumed DETACH PARTITION CONCURRENTLY that had finished before the kill is recognised and skipped', async () => {
    const db = await backend.fresh();
    const ws = partitions(DETACH);
    expect((await cli(['apply', '--db', db.url, ...RUN, '--to', '0001'], ws)).code).toBe(0);
    // As a kill -9 leaves it when it lands after the detach committed but before its progress was written.
    await db.with(async (d) => {
      await d.execute(DETACH);
      await d.execute(
        `INSERT INTO migratelint_migrations (version, name, direction, result, checksum, applied_by, progress) VALUES ('0002', 'detach_2023', 'up', 'running', 'x', 'test', 0)`,
      );
    });
    const r = await cli(['apply', '--db', db.url, ...RUN], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('partition "measurements_2023" is already detached from "measurements": statement 1 had finished before the interruption');
    await expectDetached(db);
  });

  it('REINDEX INDEX CONCURRENTLY killed before its swap: the next apply drops the INVALID _ccnew index and reindexes', async () => {
    const db = await backend.fresh();
    const ws = readings('REINDEX INDEX CONCURRENTLY readings_v_idx;');
    expect((await cli(['apply', '--db', db.url, ...RUN, '--to', '0001'], ws)).code).toBe(0);
    // An open write: the build of the new index waits for it.
    const writer = await blocker(db, 'INSERT INTO readings VALUES (1000, 1)');
    try {
      await killWhileWaiting(db, ws, async () => (await leftovers(db)).length > 0);
    } finally {
      await writer.execute('COMMIT');
      await writer.close();
    }
    expect(await leftovers(db)).toEqual([{ name: 'readings_v_idx_ccnew', valid: false }]);

    const r = await cli(['apply', '--db', db.url, ...RUN], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('dropped the INVALID index public.readings_v_idx_ccnew left by the interrupted REINDEX CONCURRENTLY');
    expect(lastReport(ws).migrations[0]).toMatchObject({ id: '0002', result: 'applied', cleanedUp: ['public.readings_v_idx_ccnew'] });
    await expectReindexed(db);
  });

  it('REINDEX TABLE CONCURRENTLY killed after its swap: the next apply drops the INVALID _ccold indexes and reindexes', async () => {
    const db = await backend.fresh();
    const ws = readings('REINDEX TABLE CONCURRENTLY readings;');
    expect((await cli(['apply', '--db', db.url, ...RUN, '--to', '0001'], ws)).code).toBe(0);
    // A transaction that has read the table: the old indexes are only dropped once it ends.
    const reader = await blocker(db, 'SELECT count(*) FROM readings');
    try {
      await killWhileWaiting(db, ws, async () => (await leftovers(db)).some((l) => l.name.includes('_ccold')));
    } finally {
      await reader.execute('COMMIT');
      await reader.close();
    }
    expect(await leftovers(db)).toEqual([
      { name: 'readings_pkey_ccold', valid: false },
      { name: 'readings_v_idx_ccold', valid: false },
    ]);

    const r = await cli(['apply', '--db', db.url, ...RUN], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(lastReport(ws).migrations[0].cleanedUp).toEqual(['public.readings_pkey_ccold', 'public.readings_v_idx_ccold']);
    await expectReindexed(db);
  });

  it('a down stopped part way: status names rollback, which finishes it', async () => {
    const db = await backend.fresh();
    const ws = project({
      'migrations/0001_notes.up.sql': 'CREATE TABLE notes (id int PRIMARY KEY, tag_id int);\n',
      'migrations/0001_notes.down.sql': 'DROP TABLE notes;\n',
      'migrations/0002_tags.up.sql': 'CREATE TABLE tags (id int PRIMARY KEY);\nCREATE INDEX CONCURRENTLY notes_tag_id_idx ON notes (tag_id);\n',
      'migrations/0002_tags.down.sql': 'DROP INDEX CONCURRENTLY notes_tag_id_idx;\nDROP TABLE tags;\n',
    });
    expect((await cli(['apply', '--db', db.url, ...RUN], ws)).code).toBe(0);
    // DROP TABLE tags waits for this reader and times out: the index drop stays done.
    const reader = await blocker(db, 'SELECT count(*) FROM tags');
    let r;
    try {
      r = await cli(['rollback', '--db', db.url, ...RUN, '--lock-timeout', '100ms', '--retries', '0'], ws);
    } finally {
      await reader.execute('COMMIT');
      await reader.close();
    }
    expect(r.code).toBe(1);
    expect(await historyOf(db, '0002')).toMatchObject({ direction: 'down', result: 'partial', progress: 1 });

    r = await cli(['status', '--db', db.url], ws);
    expect(r.stdout).toContain('(partial: 1 statement of its down done; run migratelint rollback to finish it)');
    expect(r.stdout).toContain('1 partly rolled back (0002: run migratelint rollback to finish it)');
    expect(r.stdout).not.toContain('apply to resume');
    const json = JSON.parse((await cli(['status', '--db', db.url, '--json'], ws)).stdout);
    expect(json.migrations[1]).toMatchObject({ id: '0002', state: 'partial', direction: 'down', progress: 1 });
    // The command status does not name refuses it, as before.
    r = await cli(['apply', '--db', db.url, ...RUN], ws);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('finish it with "migratelint rollback" first');

    r = await cli(['rollback', '--db', db.url, ...RUN], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('0002 was interrupted while rolling back, after statement 1: resuming it there');
    expect(await historyOf(db, '0002')).toMatchObject({ direction: 'down', result: 'rolled back' });
    expect(await db.query(`SELECT to_regclass('tags') AS t, to_regclass('notes_tag_id_idx') AS i, to_regclass('notes') IS NOT NULL AS notes`)).toEqual([
      { t: null, i: null, notes: true },
    ]);
    r = await cli(['status', '--db', db.url], ws);
    expect(r.stdout).toContain('1 applied, 1 pending, 0 drift');
  });
});
