/**
 * `backups --verify` restores each backup into a scratch database and compares it with what
 * the backup recorded when it was taken: a good backup passes; one whose data or schema was
 * changed (its sidecar's checksum recomputed, so only the restore can tell) fails, naming the
 * table; an older backup without recorded counts is verified as far as it can be. A gzip bomb
 * posing as a PGlite backup is refused with one line, without the memory it would take.
 *
 * The PostgreSQL part runs against the server scripts/with-postgres.sh starts: skipped
 * locally without MIGRATELINT_TEST_PG_URL, and FAILS under CI.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_URL, pgliteBackend, postgresBackend, type TestDb } from './helpers/backends.js';
import { SHOP, cleanupTempDirs, cli, workspace } from './helpers/env.js';
import { buildCli } from './helpers/build-cli.mjs';
import { PgDriver } from '../../src/exec/drivers/pg.js';
import { parseDbTarget, withDatabase, type PostgresTarget } from '../../src/exec/url.js';

if (!PG_URL && process.env.CI) {
  it('has a PostgreSQL server to test against', () => {
    throw new Error('MIGRATELINT_TEST_PG_URL is not set: run the tests through scripts/with-postgres.sh (CI must not skip the server tests)');
  });
}

afterAll(() => cleanupTempDirs());

const sha256 = (data: Buffer) => crypto.createHash('sha256').update(data).digest('hex');

/**
 * `victim` takes `source`'s bytes while keeping its own sidecar, with checksum and sizes
 * recomputed: what a damaged or swapped backup looks like once someone "fixed" its sidecar.
 * Only a restore can tell.
 */
function swapBytesKeepingRecord(source: string, victim: string, recordOf: string): void {
  fs.copyFileSync(source, victim);
  const data = fs.readFileSync(victim);
  const meta = JSON.parse(fs.readFileSync(`${recordOf}.json`, 'utf8'));
  const sourceMeta = fs.existsSync(`${source}.json`) ? JSON.parse(fs.readFileSync(`${source}.json`, 'utf8')) : {};
  const fixed = { ...meta, file: victim, bytes: data.length, sha256: sha256(data), ...(sourceMeta.inflatedBytes ? { inflatedBytes: sourceMeta.inflatedBytes } : {}) };
  fs.writeFileSync(`${victim}.json`, JSON.stringify(fixed));
}

/** A copy of a backup whose sidecar is as older versions wrote it: no recorded contents. */
function asOlderBackup(source: string, copy: string): void {
  fs.copyFileSync(source, copy);
  const meta = JSON.parse(fs.readFileSync(`${source}.json`, 'utf8'));
  delete meta.contents;
  delete meta.inflatedBytes;
  fs.writeFileSync(`${copy}.json`, JSON.stringify({ ...meta, file: copy }));
}

const lineOf = (stdout: string, file: string) => stdout.split('\n').find((l) => l.includes(` ${file}`)) ?? `(no line for ${file} in:\n${stdout})`;

/** The shop fixture's migrations, run directly (an apply would cost the test seconds). */
const SHOP_SQL = fs
  .readdirSync(SHOP)
  .filter((f) => f.endsWith('.up.sql'))
  .sort()
  .map((f) => fs.readFileSync(path.join(SHOP, f), 'utf8').replace(/ CONCURRENTLY/g, '')) // one multi-statement string is one transaction
  .join('\n');

describe('backups --verify, PGlite', { timeout: 60_000 }, () => {
  const backend = pgliteBackend();

  it('passes a good backup and fails one whose rows and index differ from its record', async () => {
    const ws = workspace();
    const db = await backend.fresh();
    await db.with((d) => d.execute(SHOP_SQL));
    expect((await cli(['backup', '--db', db.url, '--output', 'good.tgz'], ws)).code).toBe(0);
    await db.with(async (d) => {
      await d.execute(`DELETE FROM orders WHERE total_cents = 1200; DROP INDEX orders_customer_id_idx`);
    });
    expect((await cli(['backup', '--db', db.url, '--output', 'later.tgz'], ws)).code).toBe(0);
    swapBytesKeepingRecord(path.join(ws, 'later.tgz'), path.join(ws, 'changed.tgz'), path.join(ws, 'good.tgz'));

    const r = await cli(['backups', '--verify', 'good.tgz', 'changed.tgz'], ws);
    expect(r.code, r.stderr).toBe(1);
    expect(lineOf(r.stdout, 'good.tgz')).toBe('ok   good.tgz  2 tables, 4 rows, schema matches');
    expect(r.stdout).toContain('FAIL changed.tgz: table public.orders has 1 row, the backup recorded 2');
    expect(r.stdout).toMatch(/^ {5}table public\.orders: index orders_customer_id_idx is missing \(the backup recorded CREATE INDEX orders_customer_id_idx ON public\.orders USING btree \(customer_id\)\)$/m);
    // The target was never opened: a PGlite directory there would hold a lock file.
    expect(fs.existsSync(path.join(ws, '.migratelint/db'))).toBe(false);
  });
});

/** 2 GiB of zeros as 32 gzip members of 64 MiB: about 2 MB, made in a fraction of a second (one member compressed once). */
function writeGzipBomb(file: string): void {
  const member = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
  const fd = fs.openSync(file, 'w');
  for (let i = 0; i < 32; i++) fs.writeSync(fd, member);
  fs.closeSync(fd);
  const data = fs.readFileSync(file);
  const meta = { file, kind: 'pglite', createdAt: new Date().toISOString(), bytes: data.length, sha256: sha256(data), db: 'pglite:db', reason: 'manual', toolVersion: '0' };
  fs.writeFileSync(`${file}.json`, JSON.stringify(meta));
}

/** Runs the CLI as a child with a 256 MB heap; returns its output and its peak resident memory. */
async function runMeasured(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string; peakMb: number }> {
  const bin = await buildCli();
  const measure = path.join(cwd, 'measure.mjs');
  fs.writeFileSync(
    measure,
    `import { pathToFileURL } from 'node:url';\n` +
      `process.argv.splice(1, 2, process.argv[2]);\n` +
      `process.on('exit', () => process.stderr.write('peak-rss-kb ' + process.resourceUsage().maxRSS + '\\n'));\n` +
      `await import(pathToFileURL(process.argv[1]).href);\n`,
  );
  const child = spawn(process.execPath, ['--max-old-space-size=256', measure, bin, ...args], { cwd, env: { ...process.env, CI: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const kb = /peak-rss-kb (\d+)/.exec(stderr);
  return { code, stdout, stderr: stderr.replace(/peak-rss-kb \d+\n/, ''), peakMb: kb ? Number(kb[1]) / 1024 : Infinity };
}

describe('a gzip bomb posing as a PGlite backup', { timeout: 60_000 }, () => {
  it('is refused by verify and restore in one line, without inflating it in memory', async () => {
    const ws = workspace();
    writeGzipBomb(path.join(ws, 'bomb.tgz'));
    expect(fs.statSync(path.join(ws, 'bomb.tgz')).size).toBeLessThan(4 * 1024 * 1024);
    // The restore's copy records a size (50 MB) as a backup's sidecar does: the bound is that.
    fs.copyFileSync(path.join(ws, 'bomb.tgz'), path.join(ws, 'recorded.tgz'));
    const meta = JSON.parse(fs.readFileSync(path.join(ws, 'bomb.tgz.json'), 'utf8'));
    fs.writeFileSync(path.join(ws, 'recorded.tgz.json'), JSON.stringify({ ...meta, file: path.join(ws, 'recorded.tgz'), inflatedBytes: 50 * 1024 * 1024 }));

    const [verify, restore] = await Promise.all([
      runMeasured(['backups', '--verify', 'bomb.tgz'], ws),
      runMeasured(['restore', 'recorded.tgz', '--db', 'pglite:db', '--yes', '--no-backup'], ws),
    ]);
    // Without a recorded size: the 1 GB ceiling.
    expect(verify.code, verify.stderr).toBe(1);
    expect(verify.stdout.trim()).toBe('FAIL bomb.tgz: backup bomb.tgz inflates beyond 1,024 MB: not a migratelint backup or corrupted');
    expect(verify.peakMb).toBeLessThan(300);
    expect(restore.code, restore.stderr).toBe(1);
    expect(restore.stderr).toMatch(/^migratelint: restore failed, the database is unchanged: backup recorded\.tgz inflates beyond 50 MB: not a migratelint backup or corrupted$/m);
    expect(restore.stderr).not.toMatch(/internal error|heap out of memory|\n\s+at /);
    expect(restore.peakMb).toBeLessThan(300);
    expect(fs.existsSync(path.join(ws, 'db'))).toBe(false);
  });
});

describe.skipIf(!PG_URL)('backups --verify, PostgreSQL', { timeout: 60_000 }, () => {
  const backend = postgresBackend();
  const admin = () => PgDriver.open(parseDbTarget(PG_URL!, '/') as PostgresTarget, 'test');
  afterAll(() => backend.cleanup());

  const scratchDatabases = async () => {
    const a = await admin();
    try {
      return (await a.query<{ name: string }>(`SELECT datname AS name FROM pg_database WHERE datname LIKE 'migratelint\\_verify\\_%' ORDER BY 1`)).map((r) => r.name);
    } finally {
      await a.close();
    }
  };

  /**
   * The shop database with 1,250 orders, and a table of a type in another schema on the
   * database's own search_path (which its dump does not carry: names must compare alike).
   */
  async function shop(ws: string): Promise<TestDb> {
    const db = await backend.fresh();
    expect((await cli(['apply', '--db', db.url, '--yes', '--no-backup'], ws)).code).toBe(0);
    await db.query(`INSERT INTO orders (customer_id, total_cents) SELECT 1, g FROM generate_series(1, 1248) g`);
    const name = new URL(db.url).pathname.slice(1);
    await db.with(async (d) => {
      await d.execute(`CREATE SCHEMA app; CREATE TYPE app.mood AS ENUM ('ok', 'sad'); CREATE TABLE app.notes (m app.mood NOT NULL); INSERT INTO app.notes VALUES ('ok')`);
      await d.execute(`ALTER DATABASE ${name} SET search_path = app, public`);
    });
    return db;
  }

  it('restores each pg_dump archive into a scratch database: a good one passes, one with rows or a data section missing fails', async () => {
    const ws = workspace();
    const db = await shop(ws);
    expect((await cli(['backup', '--db', db.url, '--output', 'good.dump'], ws)).code).toBe(0);
    const good = path.join(ws, 'good.dump');
    expect(JSON.parse(fs.readFileSync(`${good}.json`, 'utf8')).contents.tables.find((t: { name: string }) => t.name === 'orders').rows).toBe(1250);

    // The same database dumped without the rows of orders.
    const dump = spawnSync('pg_dump', ['--format=custom', '--exclude-table-data=public.orders', `--file=${path.join(ws, 'dumped.dump')}`, `--dbname=${db.url}`], { encoding: 'utf8' });
    expect(dump.status, dump.stderr).toBe(0);
    swapBytesKeepingRecord(path.join(ws, 'dumped.dump'), path.join(ws, 'no-data.dump'), good);
    // 50 orders deleted after the backup, dumped again.
    await db.query('DELETE FROM orders WHERE id > 1200');
    expect((await cli(['backup', '--db', db.url, '--output', 'later.dump'], ws)).code).toBe(0);
    swapBytesKeepingRecord(path.join(ws, 'later.dump'), path.join(ws, 'fewer.dump'), good);
    asOlderBackup(good, path.join(ws, 'older.dump'));

    const r = await cli(['backups', '--verify', '--db', db.url, 'good.dump', 'no-data.dump', 'fewer.dump', 'older.dump'], ws);
    expect(r.code, r.stderr).toBe(1);
    expect(lineOf(r.stdout, 'good.dump')).toBe('ok   good.dump  5 tables, 1,258 rows, schema matches');
    expect(lineOf(r.stdout, 'no-data.dump')).toBe('FAIL no-data.dump: table public.orders has 0 rows, the backup recorded 1,250');
    expect(lineOf(r.stdout, 'fewer.dump')).toBe('FAIL fewer.dump: table public.orders has 1,200 rows, the backup recorded 1,250');
    expect(lineOf(r.stdout, 'older.dump')).toBe(
      "ok   older.dump  5 tables, 1,258 rows; row counts not recorded by this older backup (its tables, indexes and constraints were checked against the archive's table of contents)",
    );
    // Every scratch database is gone, and the database itself was not touched.
    expect(await scratchDatabases()).toEqual([]);
    expect(await db.query('SELECT count(*)::int AS n FROM orders')).toEqual([{ n: 1200 }]);

    const json = JSON.parse((await cli(['backups', '--verify', '--db', db.url, '--json', 'good.dump'], ws)).stdout);
    expect(json.backups).toHaveLength(1);
    expect(json.backups[0]).toMatchObject({ kind: 'pg_dump', verify: { status: 'ok', tables: 5, rows: 1258, problems: [], unchecked: [] } });

    // Without a server to restore into it is skipped, saying so; the default PGlite target is not created.
    const skip = await cli(['backups', '--verify', 'good.dump'], ws);
    expect(skip.code).toBe(0);
    expect(skip.stdout).toMatch(/^skip good\.dump: a pg_dump archive restores only into a PostgreSQL server: pass --db postgres:/);
    expect(fs.existsSync(path.join(ws, '.migratelint/db'))).toBe(false);
  });

  it('verifies a logical backup by its rows in the file and a restore', async () => {
    const ws = workspace();
    const db = await shop(ws);
    expect((await cli(['backup', '--db', db.url, '--tables', 'customers,orders', '--output', 'tables.copy'], ws)).code).toBe(0);
    const file = path.join(ws, 'tables.copy');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    // One order row taken out of the file, the sidecar "fixed".
    const row = lines.findIndex((l, i) => i > 0 && lines[i - 1].startsWith('COPY "public"."orders"'));
    fs.writeFileSync(path.join(ws, 'cut-rows.copy'), lines.filter((_, i) => i !== row).join('\n'));
    swapBytesKeepingRecord(path.join(ws, 'cut-rows.copy'), path.join(ws, 'cut.copy'), file);

    const r = await cli(['backups', '--verify', '--db', db.url, 'tables.copy', 'cut.copy'], ws);
    expect(r.code, r.stderr).toBe(1);
    expect(lineOf(r.stdout, 'tables.copy')).toBe('ok   tables.copy  2 tables, 1,252 rows, schema matches');
    expect(lineOf(r.stdout, 'cut.copy')).toBe('FAIL cut.copy: table public.orders has 1,249 rows in the file, the backup recorded 1,250');
    expect(r.stdout).toContain('     table public.orders has 1,249 rows, the backup recorded 1,250');
    expect(await scratchDatabases()).toEqual([]);
  });

  it('drops a scratch database a killed verify left, and leaves one a running verify uses', async () => {
    const ws = workspace();
    const db = await shop(ws);
    expect((await cli(['backup', '--db', db.url, '--output', 'good.dump'], ws)).code).toBe(0);
    const stamp = (Date.now() - 3_600_000).toString(36);
    const leftover = `migratelint_verify_${stamp}_dead01`;
    const inUse = `migratelint_verify_${stamp}_live01`;
    const a = await admin();
    let running: PgDriver | undefined;
    try {
      await a.execute(`CREATE DATABASE ${leftover}`);
      await a.execute(`CREATE DATABASE ${inUse}`);
      // Another verify, still running: its session carries its scratch database's name.
      running = await PgDriver.open(parseDbTarget(withDatabase(PG_URL!, 'postgres'), '/') as PostgresTarget, 'test');
      await running.execute(`SET application_name = 'migratelint verify ${inUse}'`);
      const r = await cli(['backups', '--verify', '--db', db.url, 'good.dump'], ws);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`^note: dropped ${leftover}, left by a backups --verify interrupted at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`, 'm'));
      expect(r.stderr).not.toContain(inUse);
      expect(await scratchDatabases()).toEqual([inUse]);
    } finally {
      await running?.close();
      await a.execute(`DROP DATABASE IF EXISTS ${leftover}`);
      await a.execute(`DROP DATABASE IF EXISTS ${inUse} WITH (FORCE)`);
      await a.close();
    }
  });
});
