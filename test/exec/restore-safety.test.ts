/**
 * What a restore keeps and refuses, without killing anything: the old database untouched
 * by a failing restore; the database-level state (privileges, comment, settings) carried
 * over; --no-backup refused for a backup whose checksum cannot be verified; every
 * interrupted state (built by hand, including the instant between PGlite's two renames)
 * named by interruptedRestore() and settled by --resume / --undo / the next restore.
 *
 * The PostgreSQL part runs against the server scripts/with-postgres.sh starts: skipped
 * locally without MIGRATELINT_TEST_PG_URL, and FAILS under CI.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_URL, pgliteBackend, postgresBackend, type TestDb } from './helpers/backends.js';
import { cleanupTempDirs, cli, workspace } from './helpers/env.js';
import { interruptedRestore, newMarker, pgliteMarkerPath, pgliteNames, pgRestoreNames, pgStamp, postgresMarkerPath, writeMarker } from '../../src/exec/backup/restore-marker.js';
import { PgDriver } from '../../src/exec/drivers/pg.js';
import { PgliteDriver, isDataDir } from '../../src/exec/drivers/pglite.js';
import type { Driver } from '../../src/exec/drivers/types.js';
import { parseDbTarget, withDatabase, type PgliteTarget, type PostgresTarget } from '../../src/exec/url.js';

if (!PG_URL && process.env.CI) {
  it('has a PostgreSQL server to test against', () => {
    throw new Error('MIGRATELINT_TEST_PG_URL is not set: run the tests through scripts/with-postgres.sh (CI must not skip the server tests)');
  });
}

const MARKER = (v: string) => `CREATE TABLE marker (v text); INSERT INTO marker VALUES ('${v}');`;
const markerOf = async (db: TestDb) => (await db.query<{ v: string }>('SELECT v FROM marker'))[0]?.v;

/** The restore's own output lines (without the report line). */
const messageLines = (stderr: string) => stderr.trim().split('\n').filter((l) => !l.startsWith('report: '));

describe('restore safety, PGlite', { timeout: 120_000 }, () => {
  const backend = pgliteBackend();
  afterAll(() => cleanupTempDirs());

  // Made once: a data directory holding marker 'old', one holding 'restored', and a verified backup of the latter.
  let shared: Promise<{ oldDir: string; restoredDir: string; archive: string }> | undefined;
  const prepare = () =>
    (shared ??= (async () => {
      const ws = workspace();
      const src = await backend.fresh();
      await src.with((d) => d.execute(MARKER('restored')));
      const archive = path.join(ws, 'restored.tgz');
      expect((await cli(['backup', '--db', src.url, '--output', archive], ws)).code).toBe(0);
      const old = await backend.fresh();
      await old.with((d) => d.execute(MARKER('old')));
      return { oldDir: old.url.slice('pglite:'.length), restoredDir: src.url.slice('pglite:'.length), archive };
    })());

  /** A database holding marker 'old' (a copy), in its own project directory with a copy of the backup. */
  async function setup() {
    const p = await prepare();
    const ws = workspace();
    const archive = path.join(ws, 'restored.tgz');
    fs.copyFileSync(p.archive, archive);
    fs.writeFileSync(`${archive}.json`, fs.readFileSync(`${p.archive}.json`, 'utf8').replace(JSON.stringify(p.archive), JSON.stringify(archive)));
    const dir = path.join(ws, 'db');
    fs.cpSync(p.oldDir, dir, { recursive: true });
    const url = `pglite:${dir}`;
    const target = parseDbTarget(url, ws) as PgliteTarget;
    const open = async <T>(fn: (d: Driver) => Promise<T>) => {
      const d = await PgliteDriver.open(target, { command: 'test', lockWaitMs: 30_000 });
      try {
        return await fn(d);
      } finally {
        await d.close();
      }
    };
    const db: TestDb = { url, with: open, query: (sql, params) => open((d) => d.query(sql, params)) };
    return { ws, archive, restoredDir: p.restoredDir, db, dir, target, backupDir: path.join(ws, '.migratelint/backups') };
  }

  it('refuses --no-backup for a backup without its checksum file, in one line; a truncated one fails and leaves the database as it was', async () => {
    const { ws, archive, db } = await setup();
    const bad = path.join(ws, 'truncated.tgz');
    const data = fs.readFileSync(archive);
    fs.writeFileSync(bad, data.subarray(0, Math.floor(data.length / 2)));
    let r = await cli(['restore', 'truncated.tgz', '--db', db.url, '--yes', '--no-backup'], ws);
    expect(r.code).toBe(1);
    expect(messageLines(r.stderr)).toEqual([
      'migratelint: truncated.tgz has no checksum file (truncated.tgz.json), so it cannot be verified: refusing to restore it with --no-backup (without --no-backup the current state is saved first)',
    ]);
    expect(await markerOf(db)).toBe('old');
    // An intact backup without its sidecar is refused with --no-backup too...
    fs.copyFileSync(archive, path.join(ws, 'copied.tgz'));
    r = await cli(['restore', 'copied.tgz', '--db', db.url, '--yes', '--no-backup'], ws);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot be verified');
    // ...and a damaged one fails to load into the new directory: nothing changes.
    r = await cli(['restore', 'truncated.tgz', '--db', db.url, '--yes'], ws);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('restore failed, the database is unchanged: truncated.tgz is not a complete gzip archive (unexpected end of file)');
    expect(await markerOf(db)).toBe('old');
    expect(fs.readdirSync(path.dirname(db.url.slice(7))).filter((f) => f.includes('.restor'))).toEqual([]);
    expect(r.stderr).not.toContain('Z_BUF_ERROR');
    r = await cli(['restore', 'copied.tgz', '--db', db.url, '--yes'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(await markerOf(db)).toBe('restored');
  });

  /** Lays out an interrupted swap by hand: the old data dir and a restored copy under the names a restore uses. */
  async function interrupted(state: 'before-swap' | 'in-swap' | 'after-swap') {
    const s = await setup();
    const stamp = '2026-01-01T00-00-00-000Z';
    const n = pgliteNames(s.dir, stamp);
    const restoredDir = s.restoredDir;
    if (state === 'before-swap') fs.cpSync(restoredDir, n.fresh, { recursive: true });
    if (state === 'in-swap') {
      fs.renameSync(s.dir, n.aside);
      fs.cpSync(restoredDir, n.fresh, { recursive: true });
    }
    if (state === 'after-swap') {
      fs.renameSync(s.dir, n.aside);
      fs.cpSync(restoredDir, s.dir, { recursive: true });
    }
    const marker = newMarker({ kind: 'pglite', db: s.target.display, file: s.archive, sha256: 'x', stamp, pglite: { ...n, hadDir: true } });
    marker.phase = state === 'after-swap' ? 'swapped' : 'ready';
    marker.pid = 999_999_999; // a process that is gone
    writeMarker(pgliteMarkerPath(s.dir), marker);
    return { ...s, n };
  }

  it('the instant between the two renames: the directory is missing, interruptedRestore says so, --resume swaps the copy in', async () => {
    const s = await interrupted('in-swap');
    expect(isDataDir(s.dir)).toBe(false);
    const msg = await interruptedRestore({ target: s.target, backupDir: s.backupDir, cwd: s.ws });
    expect(msg).toContain('was interrupted while swapping directories');
    expect(msg).toContain('is MISSING');
    expect(msg).toContain(`"migratelint restore --resume --db ${s.target.display}"`);
    expect(msg).toContain(`"migratelint restore --undo --db ${s.target.display}"`);
    const r = await cli(['restore', '--resume', '--db', s.db.url], s.ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('finished the interrupted restore');
    expect(await markerOf(s.db)).toBe('restored');
    expect(await interruptedRestore({ target: s.target, backupDir: s.backupDir })).toBeUndefined();
    expect(fs.readdirSync(path.dirname(s.dir)).filter((f) => f.startsWith('db.') && f !== 'db.lock')).toEqual([]);
  });

  it('the same instant, undone: --undo puts the old directory back', async () => {
    const s = await interrupted('in-swap');
    const r = await cli(['restore', '--undo', '--db', s.db.url], s.ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('undid the interrupted restore');
    expect(await markerOf(s.db)).toBe('old');
    expect(fs.readdirSync(path.dirname(s.dir)).filter((f) => f.startsWith('db.') && f !== 'db.lock')).toEqual([]);
    expect(await interruptedRestore({ target: s.target, backupDir: s.backupDir })).toBeUndefined();
  });

  it('after the swap: --undo puts the old directory back (through the same two renames, resumable)', async () => {
    const s = await interrupted('after-swap');
    expect(await interruptedRestore({ target: s.target, backupDir: s.backupDir })).toContain('interrupted after the swap');
    expect(await markerOf(s.db)).toBe('restored');
    const r = await cli(['restore', '--undo', '--db', s.db.url], s.ws);
    expect(r.code, r.stderr).toBe(0);
    expect(await markerOf(s.db)).toBe('old');
  });

  it('a new restore settles an interrupted one first and says so', async () => {
    const s = await interrupted('in-swap');
    const r = await cli(['restore', s.archive, '--db', s.db.url, '--yes'], s.ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/note: undid the interrupted restore of .*: pglite:.* is as it was before/);
    expect(r.stderr).toContain('saved the current state first');
    expect(await markerOf(s.db)).toBe('restored');
    expect(fs.readdirSync(path.dirname(s.dir)).filter((f) => f.startsWith('db.') && f !== 'db.lock')).toEqual([]);
    // The safety backup is of the old database, put back before the restore.
    const again = await cli(['restore', '--resume', '--db', s.db.url], s.ws);
    expect(again.stdout).toContain('no interrupted restore of');
  });

  it('before the swap with a complete copy: --resume swaps it in without loading again', async () => {
    const s = await interrupted('before-swap');
    expect(await interruptedRestore({ target: s.target, backupDir: s.backupDir })).toContain('interrupted before the swap: the database is as it was and the loaded copy');
    const r = await cli(['restore', '--resume', '--db', s.db.url], s.ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('loading');
    expect(await markerOf(s.db)).toBe('restored');
  });

  it('a directory moved aside by an older migratelint (no marker) is named and put back by --undo', async () => {
    const s = await setup();
    fs.renameSync(s.dir, `${s.dir}.before-restore-2025-01-01T00-00-00-000Z`);
    expect(await interruptedRestore({ target: s.target, backupDir: s.backupDir })).toContain('MISSING');
    const r = await cli(['restore', '--undo', '--db', s.db.url], s.ws);
    expect(r.code, r.stderr).toBe(0);
    expect(await markerOf(s.db)).toBe('old');
  });

  it('usage: --resume and --undo take no file and not both', async () => {
    const ws = workspace();
    for (const [args, message] of [
      [['restore', '--resume', 'x.tgz'], 'restore --resume takes no backup file'],
      [['restore', '--resume', '--undo'], 'restore takes --resume or --undo, not both'],
      [['restore'], 'restore needs one backup file'],
    ] as const) {
      const r = await cli([...args], ws);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });
});

describe.skipIf(!PG_URL)('restore safety, PostgreSQL', { timeout: 120_000 }, () => {
  const backend = postgresBackend();
  const admin = () => PgDriver.open(parseDbTarget(PG_URL!, '/') as PostgresTarget, 'test');
  const roles: string[] = [];
  afterAll(async () => {
    const a = await admin();
    try {
      // Leftovers (none are expected) and the databases backend.fresh() made.
      for (const r of await a.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'mlt\\_%\\_mlt\\_%'`)) {
        await a.execute(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
      }
    } finally {
      await a.close();
    }
    await backend.cleanup();
    const b = await admin();
    try {
      for (const r of roles) await b.execute(`DROP ROLE IF EXISTS ${r}`);
    } finally {
      await b.close();
    }
    cleanupTempDirs();
  });

  async function setup() {
    const ws = workspace();
    const src = await backend.fresh();
    await src.with((d) => d.execute(`${MARKER('restored')} CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items SELECT generate_series(1, 20);`));
    const archive = path.join(ws, 'restored.dump');
    const b = await cli(['backup', '--db', src.url, '--output', archive], ws);
    expect(b.code, b.stderr).toBe(0);
    const db = await backend.fresh();
    await db.with((d) => d.execute(MARKER('old')));
    const name = new URL(db.url).pathname.slice(1);
    return { ws, archive, db, name, target: parseDbTarget(db.url, ws) as PostgresTarget, backupDir: path.join(ws, '.migratelint/backups') };
  }

  const leftovers = async (name: string) => {
    const a = await admin();
    try {
      return (await a.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${name}\\_mlt\\_%`])).map((r) => r.datname);
    } finally {
      await a.close();
    }
  };

  it('carries the database-level state over: REVOKE CONNECT FROM PUBLIC, grants, comment, settings, connection limit', async () => {
    const s = await setup();
    const role = `mlt_reader_${process.pid}`;
    const outsider = `mlt_outsider_${process.pid}`;
    roles.push(role, outsider);
    const password = new URL(PG_URL!).password;
    const a = await admin();
    try {
      await a.execute(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
      await a.execute(`CREATE ROLE ${outsider} LOGIN PASSWORD '${password}'`);
      await a.execute(`REVOKE CONNECT ON DATABASE ${s.name} FROM PUBLIC`);
      await a.execute(`GRANT CONNECT ON DATABASE ${s.name} TO ${role} WITH GRANT OPTION`);
      await a.execute(`COMMENT ON DATABASE ${s.name} IS 'orders of the shop; don''t drop'`);
      await a.execute(`ALTER DATABASE ${s.name} SET work_mem = '7MB'`);
      await a.execute(`ALTER DATABASE ${s.name} SET search_path = "$user", public, "Odd, Schema"`);
      await a.execute(`ALTER ROLE ${role} IN DATABASE ${s.name} SET statement_timeout = '5s'`);
      await a.execute(`ALTER DATABASE ${s.name} CONNECTION LIMIT 40`);
    } finally {
      await a.close();
    }
    const state = async () => {
      const b = await admin();
      try {
        const [d] = await b.query<Record<string, unknown>>(
          `SELECT datacl::text AS acl, datconnlimit AS lim, shobj_description(oid, 'pg_database') AS comment, pg_get_userbyid(datdba) AS owner,
                  pg_encoding_to_char(encoding) AS enc, datcollate AS collate FROM pg_database WHERE datname = $1`,
          [s.name],
        );
        const settings = await b.query(
          `SELECT CASE WHEN setrole = 0 THEN '' ELSE pg_get_userbyid(setrole) END AS role, setconfig::text AS config
             FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = $1 ORDER BY 1`,
          [s.name],
        );
        return { ...d, settings };
      } finally {
        await b.close();
      }
    };
    const before = await state();
    const r = await cli(['restore', s.archive, '--db', s.db.url, '--yes'], s.ws);
    expect(r.code, r.stderr).toBe(0);
    expect(await markerOf(s.db)).toBe('restored');
    expect(await state()).toEqual(before);
    expect(before.acl).toContain(`${role}=c*/`);
    // PUBLIC still cannot connect; the granted role can, and gets its settings.
    const as = (user: string) => withDatabase(PG_URL!, s.name).replace(/\/\/[^:]+:/, `//${user}:`);
    await expect(PgDriver.open(parseDbTarget(as(outsider), '/') as PostgresTarget, 'test')).rejects.toThrow(/permission denied for database/);
    const d = await PgDriver.open(parseDbTarget(as(role), '/') as PostgresTarget, 'test');
    try {
      expect(await d.query('SHOW work_mem')).toEqual([{ work_mem: '7MB' }]);
      expect(await d.query('SHOW statement_timeout')).toEqual([{ statement_timeout: '5s' }]);
      expect(await d.query('SHOW search_path')).toEqual([{ search_path: '"$user", public, "Odd, Schema"' }]);
    } finally {
      await d.close();
    }
    expect(await leftovers(s.name)).toEqual([]);
  });

  it('a failing pg_restore leaves the old database untouched, even its sessions; no copy or marker is left', async () => {
    const s = await setup();
    // A damaged archive whose checksum file was rewritten to match: only pg_restore can tell.
    const good = fs.readFileSync(s.archive);
    const bad = path.join(s.ws, 'bad.dump');
    fs.writeFileSync(bad, good.subarray(0, Math.floor(good.length * 0.7)));
    const meta = JSON.parse(fs.readFileSync(`${s.archive}.json`, 'utf8'));
    const crypto = await import('node:crypto');
    fs.writeFileSync(`${bad}.json`, JSON.stringify({ ...meta, file: bad, sha256: crypto.createHash('sha256').update(fs.readFileSync(bad)).digest('hex') }));
    const session = await PgDriver.open(s.target, 'test-session');
    try {
      for (const extra of [[], ['--no-backup']]) {
        const r = await cli(['restore', 'bad.dump', '--db', s.db.url, '--yes', ...extra], s.ws);
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(`migratelint: restore failed; ${s.name} is unchanged: pg_restore`);
        expect(await markerOf(s.db)).toBe('old');
        expect(await leftovers(s.name)).toEqual([]);
        expect(fs.readdirSync(s.backupDir).filter((f) => f.startsWith('restore-in-progress'))).toEqual([]);
        expect(await interruptedRestore({ target: s.target, backupDir: s.backupDir })).toBeUndefined();
      }
      // Nobody was disconnected: the restore never touched the old database.
      expect(await session.query('SELECT v FROM marker')).toEqual([{ v: 'old' }]);
    } finally {
      await session.close();
    }
  });

  it('refuses --no-backup for an archive without its checksum file, in one line, before touching anything', async () => {
    const s = await setup();
    fs.copyFileSync(s.archive, path.join(s.ws, 'copy.dump'));
    const r = await cli(['restore', 'copy.dump', '--db', s.db.url, '--yes', '--no-backup'], s.ws);
    expect(r.code).toBe(1);
    expect(messageLines(r.stderr)).toEqual([
      'migratelint: copy.dump has no checksum file (copy.dump.json), so it cannot be verified: refusing to restore it with --no-backup (without --no-backup the current state is saved first)',
    ]);
    expect(await markerOf(s.db)).toBe('old');
  });

  /** Databases as a restore leaves them when killed right after its swap committed, and its marker. */
  async function afterSwap(withMarker: boolean) {
    const s = await setup();
    const stamp = pgStamp();
    const names = pgRestoreNames(s.name, stamp);
    const a = await admin();
    try {
      await a.execute(`ALTER DATABASE ${s.name} RENAME TO ${names.beforeDb}`);
      await a.execute(`CREATE DATABASE ${s.name}`);
    } finally {
      await a.close();
    }
    await s.db.with((d) => d.execute(MARKER('restored')));
    if (withMarker) {
      const m = newMarker({ kind: 'postgres', db: s.target.display, file: s.archive, sha256: 'x', stamp, postgres: { database: s.name, ...names } });
      m.phase = 'swapped';
      m.pid = 999_999_999;
      writeMarker(postgresMarkerPath(s.target, s.backupDir), m);
    }
    return { ...s, names };
  }

  it('killed after the swap: interruptedRestore names the kept old database; --undo swaps it back in one transaction', async () => {
    const s = await afterSwap(true);
    const msg = await interruptedRestore({ target: s.target, backupDir: s.backupDir, cwd: s.ws });
    expect(msg).toContain(`interrupted after the swap: ${s.name} holds the restored data and the old database is kept as ${s.names.beforeDb}`);
    expect(msg).toContain(`"migratelint restore --undo --db ${s.target.display}"`);
    const r = await cli(['restore', '--undo', '--db', s.db.url], s.ws);
    expect(r.code, r.stderr).toBe(0);
    expect(await markerOf(s.db)).toBe('old');
    expect(await leftovers(s.name)).toEqual([]);
    expect(await interruptedRestore({ target: s.target, backupDir: s.backupDir })).toBeUndefined();
  });

  it('without the marker file (a CI workspace thrown away), the server alone tells: status-like callers pass their session', async () => {
    const s = await afterSwap(false);
    expect(await interruptedRestore({ target: s.target, backupDir: s.backupDir })).toBeUndefined(); // nothing to go on without a session
    const d = await PgDriver.open(s.target, 'status');
    try {
      expect(await interruptedRestore({ target: s.target, backupDir: s.backupDir, driver: d })).toContain(`the old database is kept as ${s.names.beforeDb}`);
    } finally {
      await d.close();
    }
    const r = await cli(['restore', '--resume', '--db', s.db.url], s.ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`dropped the old database ${s.names.beforeDb}`);
    expect(await markerOf(s.db)).toBe('restored');
    expect(await leftovers(s.name)).toEqual([]);
  });

  it('a half-made copy without a marker: --resume cannot know the archive and says so; --undo drops it; the old database was never touched', async () => {
    const s = await setup();
    const names = pgRestoreNames(s.name, pgStamp());
    const a = await admin();
    try {
      await a.execute(`CREATE DATABASE ${names.restoreDb}`);
    } finally {
      await a.close();
    }
    let r = await cli(['restore', '--resume', '--db', s.db.url], s.ws);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot finish: which backup was being restored');
    r = await cli(['restore', '--undo', '--db', s.db.url], s.ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`dropped the copy ${names.restoreDb}`);
    expect(await markerOf(s.db)).toBe('old');
    expect(await leftovers(s.name)).toEqual([]);
  });

  it('names longer than PostgreSQL allows still fit: the restore and before names are shortened, not truncated into each other', async () => {
    const long = 'a_database_name_that_is_rather_long_for_postgres_x';
    const a = pgRestoreNames(long, pgStamp());
    expect(Buffer.byteLength(a.restoreDb)).toBeLessThanOrEqual(63);
    expect(Buffer.byteLength(a.beforeDb)).toBeLessThanOrEqual(63);
    expect(pgRestoreNames(`${long}y`, '20260101000000000').restoreDb).not.toBe(pgRestoreNames(`${long}z`, '20260101000000000').restoreDb);
  });
});
