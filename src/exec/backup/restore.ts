import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import type { Driver } from '../drivers/types.js';
import type { PgliteDriver } from '../drivers/pglite.js';
import type { PgDriver } from '../drivers/pg.js';
import { isDataDir, openPglite } from '../drivers/pglite.js';
import { FileLock } from '../lock.js';
import { ExecError } from '../errors.js';
import { quoteIdent, quoteLiteral } from '../sql.js';
import { redact, withDatabase, type DbTarget, type PostgresTarget } from '../url.js';
import { toolConnectionString } from '../connection.js';
import { fileNameStamp, fileSha256, verifyBackup, type BackupKind, type BackupMeta } from './meta.js';
import { findPgTool, pgEnv, runTool } from './pg-tools.js';
import { parseLogical, restoreLogical } from './logical.js';
import { checkPgliteArchive } from './inflate.js';
import { createBackup } from './create.js';
import { formatBytes } from './retention.js';
import {
  databaseList,
  legacyAside,
  newMarker,
  pgRestoreNames,
  pgRestoreState,
  pgStamp,
  pgliteMarkerPath,
  pgliteNames,
  pgliteRestoreState,
  postgresMarkerPath,
  readMarker,
  removeMarker,
  removeStaleTemporaries,
  writeMarker,
  type DbEntry,
  type RestoreMarker,
} from './restore-marker.js';

export interface RestoreOptions {
  /** Take a backup of the current state first (so a restore can itself be undone). */
  safetyBackup: boolean;
  backupDir: string;
  log: (message: string) => void;
  onProgress?: (bytes: number) => void;
  command: string;
  lockWaitMs: number;
}

export interface RestoreResult {
  kind: BackupKind;
  sha256: string;
  bytes: number;
  safety?: BackupMeta;
}

type Checked = ReturnType<typeof verifyBackup>;

/**
 * `--no-backup` throws away the way back, so it is allowed only for a backup known to be
 * intact: one whose checksum file is there and matches (a mismatch is refused in any case).
 */
export function refuseUnverifiedWithoutSafety(file: string, checked: Checked, safetyBackup: boolean): void {
  if (safetyBackup || checked.meta) return;
  throw new ExecError(
    `${file} has no checksum file (${path.basename(file)}.json), so it cannot be verified: refusing to restore it with --no-backup (without --no-backup the current state is saved first)`,
  );
}

/**
 * Restores a backup. The driver is closed by the restore (a data directory or a database is
 * swapped for the restored copy); open a new one afterwards.
 */
export async function restoreBackup(driver: Driver, file: string, options: RestoreOptions): Promise<RestoreResult> {
  const checked = verifyBackup(file);
  if (checked.kind === 'pglite' && driver.kind !== 'pglite') throw new ExecError(`${file} is a PGlite data directory backup: it restores only into a pglite: database`);
  if (checked.kind === 'pg_dump' && driver.kind !== 'postgres') throw new ExecError(`${file} is a pg_dump archive: it restores only into a PostgreSQL server`);
  refuseUnverifiedWithoutSafety(file, checked, options.safetyBackup);
  if (checked.kind === 'pglite' && !(driver as PgliteDriver).target.dataDir) {
    await driver.close();
    throw new ExecError('pglite:memory lives only as long as its process: restore into a data directory (--db pglite:<dir>)');
  }
  let tool: string | undefined;
  if (checked.kind === 'pg_dump') tool = await pgRestoreTool(driver as PgDriver);
  let safety: BackupMeta | undefined;
  if (options.safetyBackup) {
    // A logical restore touches only its own tables, so only those need saving.
    safety = await createBackup(driver, {
      dir: options.backupDir,
      reason: 'before restore',
      tablesOnly: checked.kind === 'logical',
      tables: checked.kind === 'logical' ? parseLogical(fs.readFileSync(file)).tables.map((t) => t.table) : undefined,
    });
    options.log(`saved the current state first: ${safety.file}`);
  }
  const result = { kind: checked.kind, sha256: checked.sha256, bytes: checked.bytes, safety };
  if (checked.kind === 'logical') {
    const data = fs.readFileSync(file);
    options.onProgress?.(data.length);
    await restoreLogical(driver, data, options.log);
    await driver.close();
    return result;
  }
  if (checked.kind === 'pglite') {
    await restorePglite(driver as PgliteDriver, file, checked, safety?.file, options);
    return result;
  }
  await restorePgDump(driver as PgDriver, tool!, file, checked.sha256, safety?.file, options);
  return result;
}

// =======================================================================================
// PGlite: a new data directory next to the old one, then two renames

async function restorePglite(driver: PgliteDriver, file: string, checked: Checked, safetyFile: string | undefined, options: RestoreOptions): Promise<void> {
  const dir = driver.target.dataDir!;
  const data = fs.readFileSync(file);
  // The directory is replaced under the lock, so no other run opens it half-swapped.
  const lock = await driver.closeKeepingLock();
  try {
    await swapInDataDir(driver.target.display, dir, data, { file, sha256: checked.sha256, safety: safetyFile, hadDir: true }, options.log);
    options.onProgress?.(data.length);
  } finally {
    lock?.release();
  }
}

/**
 * Replaces a PGlite data directory with a tarball's contents. The tarball is loaded into a
 * new directory next to it and opened; only then are the directories swapped (two renames).
 * The marker written first names all three directories, so a kill at any moment leaves a
 * state `restore --resume` finishes and `restore --undo` undoes (see restore-marker.ts).
 */
async function swapInDataDir(
  display: string,
  dir: string,
  data: Buffer,
  what: { file: string; sha256: string; safety?: string; hadDir: boolean },
  log: (m: string) => void,
): Promise<void> {
  // A truncated tarball makes PGlite fail from inside a stream, where the error cannot be caught;
  // a gzip bomb would take all the memory there is: both are refused first, streaming.
  await checkPgliteArchive(data, what.file).catch((e: Error) => {
    throw new ExecError(`restore failed, the database is unchanged: ${e.message}`);
  });
  const stamp = fileNameStamp();
  const names = pgliteNames(dir, stamp);
  const mfile = pgliteMarkerPath(dir);
  const marker = newMarker({ kind: 'pglite', db: display, file: what.file, sha256: what.sha256, safety: what.safety, stamp, pglite: { ...names, hadDir: what.hadDir } });
  writeMarker(mfile, marker);
  log(`loading ${formatBytes(data.length)} into ${names.fresh}`);
  try {
    const db = await openPglite(names.fresh, data);
    await db.query('SELECT count(*) FROM pg_class');
    await db.close();
  } catch (e) {
    discardDir(names.fresh, names.trash);
    removeMarker(mfile);
    throw new ExecError(`restore failed, the database is unchanged: ${(e as Error).message}`);
  }
  marker.phase = 'ready';
  writeMarker(mfile, marker);
  log(`swapping ${dir} for the restored copy`);
  finishPgliteSwap(marker, mfile);
  log(`loaded ${formatBytes(data.length)} into ${dir}`);
}

/** Deletes a directory by first renaming it to the trash name: a kill never leaves half a directory under a name that means something. */
function discardDir(p: string, trash: string): void {
  if (!fs.existsSync(p)) return;
  fs.rmSync(trash, { recursive: true, force: true });
  fs.renameSync(p, trash);
  fs.rmSync(trash, { recursive: true, force: true });
}

/** Forward from any state once the copy is complete: old aside, copy in, old deleted. */
function finishPgliteSwap(m: RestoreMarker, mfile: string): void {
  const { dir, fresh, aside, trash } = m.pglite!;
  fs.rmSync(trash, { recursive: true, force: true });
  if (fs.existsSync(fresh) && fs.existsSync(dir)) fs.renameSync(dir, aside);
  if (fs.existsSync(fresh) && !fs.existsSync(dir)) fs.renameSync(fresh, dir);
  if (fs.existsSync(aside) && fs.existsSync(dir) && !fs.existsSync(fresh)) {
    m.phase = 'swapped';
    writeMarker(mfile, m);
    discardDir(aside, trash);
  }
  removeMarker(mfile);
}

/** Back from any state: the restored directory (if swapped in) back to the copy's name, the old one back, the copy deleted. */
function undoPgliteSwap(m: RestoreMarker, mfile: string): void {
  const { dir, fresh, aside, trash, hadDir } = m.pglite!;
  if (hadDir && !fs.existsSync(dir) && !fs.existsSync(aside)) {
    throw new ExecError(`cannot undo the restore: the old data directory (${aside}) is gone; finish it with migratelint restore --resume`);
  }
  m.phase = 'undoing';
  writeMarker(mfile, m);
  fs.rmSync(trash, { recursive: true, force: true });
  if (fs.existsSync(dir) && fs.existsSync(aside)) {
    if (fs.existsSync(fresh)) discardDir(fresh, trash);
    fs.renameSync(dir, fresh);
  }
  if (!fs.existsSync(dir) && fs.existsSync(aside)) fs.renameSync(aside, dir);
  discardDir(fresh, trash);
  removeMarker(mfile);
}

/** Restores into a data directory nobody has open (it may not exist yet). */
export async function restorePgliteDir(dataDir: string, file: string, options: RestoreOptions & { display?: string }): Promise<RestoreResult> {
  const checked = verifyBackup(file);
  if (checked.kind !== 'pglite') throw new ExecError(`${file} is not a PGlite data directory backup`);
  refuseUnverifiedWithoutSafety(file, checked, options.safetyBackup);
  const lock = FileLock.forDataDir(dataDir, options.command);
  await lock.acquire(options.lockWaitMs);
  try {
    if (isDataDir(dataDir)) throw new ExecError('internal: data directory exists');
    await swapInDataDir(options.display ?? `pglite:${dataDir}`, dataDir, fs.readFileSync(file), { file, sha256: checked.sha256, hadDir: false }, options.log);
  } finally {
    lock.release();
  }
  return { kind: 'pglite', sha256: checked.sha256, bytes: checked.bytes };
}

// =======================================================================================
// PostgreSQL: a new database, loaded and checked, then both names swapped in one transaction

async function pgRestoreTool(driver: PgDriver): Promise<string> {
  const version = await driver.serverVersion();
  const major = Math.floor(version.num / 10000);
  const tool = findPgTool('pg_restore', major);
  if (!tool) throw new ExecError(`no pg_restore of version ${major} or newer is installed: cannot restore a pg_dump archive into this server`);
  return tool.path;
}

/** The maintenance database to run CREATE/ALTER/DROP DATABASE from (never the one being replaced). */
async function openAdmin(target: PostgresTarget, command: string, db: string): Promise<PgDriver> {
  const { PgDriver: Pg } = await import('../drivers/pg.js');
  const candidates = ['postgres', 'template1'].filter((d) => d !== db);
  let last: unknown;
  for (const d of candidates) {
    try {
      return await Pg.open(target, command, d);
    } catch (e) {
      last = e;
    }
  }
  throw last;
}

async function serverMajor(d: Driver): Promise<number> {
  return Math.floor((await d.serverVersion()).num / 10000);
}

/** pg_restore's --dbname for another database of the same server. */
function dbnameArg(target: PostgresTarget, db: string): string {
  if (target.connectionString) return toolConnectionString(withDatabase(target.connectionString, db));
  return `dbname='${db.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

interface DatabaseState {
  name: string;
  enc: string;
  collate: string | null;
  ctype: string | null;
  owner: string;
  connlimit: number;
  template: boolean;
  tablespace: string;
  comment: string | null;
  defaultAcl: boolean;
  raw: Record<string, unknown>;
  acl: { public: boolean; grantee: string; priv: string; grantable: boolean }[];
  settings: { allRoles: boolean; role: string; config: string[] | null }[];
}

/** Everything about a database that lives outside it (pg_dump without --create does not carry it). */
async function readDatabaseState(admin: Driver, db: string): Promise<DatabaseState> {
  const rows = await admin.query<Omit<DatabaseState, 'acl' | 'settings'>>(
    `SELECT d.datname AS name, pg_encoding_to_char(d.encoding) AS enc, d.datcollate AS collate, d.datctype AS ctype,
            pg_get_userbyid(d.datdba) AS owner, d.datconnlimit AS connlimit, d.datistemplate AS template,
            t.spcname AS tablespace, shobj_description(d.oid, 'pg_database') AS comment, d.datacl IS NULL AS "defaultAcl",
            to_jsonb(d) - 'datacl' AS raw
       FROM pg_database d JOIN pg_tablespace t ON t.oid = d.dattablespace WHERE d.datname = $1`,
    [db],
  );
  if (!rows.length) throw new ExecError(`database ${db} does not exist`);
  const acl = await admin.query<DatabaseState['acl'][number]>(
    `SELECT a.grantee = 0 AS public, pg_get_userbyid(a.grantee) AS grantee, a.privilege_type AS priv, a.is_grantable AS grantable
       FROM pg_database d, aclexplode(d.datacl) a WHERE d.datname = $1`,
    [db],
  );
  const settings = await admin.query<DatabaseState['settings'][number]>(
    `SELECT s.setrole = 0 AS "allRoles", pg_get_userbyid(s.setrole) AS role, s.setconfig AS config
       FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = $1 ORDER BY s.setrole`,
    [db],
  );
  return { ...rows[0], acl, settings };
}

function createDatabaseSql(name: string, s: DatabaseState): string {
  const parts = [`CREATE DATABASE ${quoteIdent(name)} OWNER ${quoteIdent(s.owner)} TEMPLATE template0 ENCODING ${quoteLiteral(s.enc)}`];
  if (s.collate) parts.push(`LC_COLLATE ${quoteLiteral(s.collate)}`);
  if (s.ctype) parts.push(`LC_CTYPE ${quoteLiteral(s.ctype)}`);
  const raw = s.raw;
  const locale = (raw.datlocale ?? raw.daticulocale) as string | null | undefined;
  if (raw.datlocprovider === 'i') {
    parts.push('LOCALE_PROVIDER icu');
    if (locale) parts.push(`ICU_LOCALE ${quoteLiteral(locale)}`);
    if (raw.daticurules) parts.push(`ICU_RULES ${quoteLiteral(String(raw.daticurules))}`);
  } else if (raw.datlocprovider === 'b') {
    parts.push('LOCALE_PROVIDER builtin');
    if (locale) parts.push(`BUILTIN_LOCALE ${quoteLiteral(locale)}`);
  }
  if (s.tablespace !== 'pg_default') parts.push(`TABLESPACE ${quoteIdent(s.tablespace)}`);
  return parts.join(' ');
}

/** Settings whose value is a list of identifiers (pg_dump's variable_is_guc_list_quote). */
const LIST_GUCS = new Set(['local_preload_libraries', 'search_path', 'session_preload_libraries', 'shared_preload_libraries', 'temp_tablespaces', 'unix_socket_directories']);

/** `name=value` from pg_db_role_setting as the right-hand side of SET. */
function settingValue(name: string, value: string): string {
  if (!LIST_GUCS.has(name.toLowerCase())) return quoteLiteral(value);
  const items: string[] = [];
  let i = 0;
  while (i < value.length) {
    while (value[i] === ' ') i++;
    let item = '';
    if (value[i] === '"') {
      i++;
      while (i < value.length) {
        if (value[i] === '"' && value[i + 1] === '"') {
          item += '"';
          i += 2;
        } else if (value[i] === '"') {
          i++;
          break;
        } else item += value[i++];
      }
      while (i < value.length && value[i] !== ',') i++;
    } else {
      while (i < value.length && value[i] !== ',') item += value[i++];
      item = item.trim();
    }
    items.push(item);
    i++; // the comma
  }
  return items.length ? items.map(quoteLiteral).join(', ') : "''";
}

/**
 * Gives the restored database what the old one had outside its contents: privileges
 * (REVOKE CONNECT FROM PUBLIC...), comment, per-database and per-role-in-database settings,
 * connection limit, template flag. Owner, encoding, locale and tablespace are set by CREATE.
 */
async function copyDatabaseState(admin: Driver, name: string, s: DatabaseState): Promise<void> {
  const db = quoteIdent(name);
  const steps: [string, string][] = [];
  if (!s.defaultAcl) {
    steps.push(['privileges', `REVOKE ALL ON DATABASE ${db} FROM PUBLIC`], ['privileges', `REVOKE ALL ON DATABASE ${db} FROM ${quoteIdent(s.owner)}`]);
    for (const a of s.acl) {
      steps.push(['privileges', `GRANT ${a.priv} ON DATABASE ${db} TO ${a.public ? 'PUBLIC' : quoteIdent(a.grantee)}${a.grantable ? ' WITH GRANT OPTION' : ''}`]);
    }
  }
  if (s.comment !== null) steps.push(['comment', `COMMENT ON DATABASE ${db} IS ${quoteLiteral(s.comment)}`]);
  for (const row of s.settings) {
    for (const entry of row.config ?? []) {
      const eq = entry.indexOf('=');
      if (eq <= 0) continue;
      const guc = entry.slice(0, eq);
      const target = row.allRoles ? `ALTER DATABASE ${db}` : `ALTER ROLE ${quoteIdent(row.role)} IN DATABASE ${db}`;
      steps.push(['settings', `${target} SET ${guc.split('.').map(quoteIdent).join('.')} TO ${settingValue(guc, entry.slice(eq + 1))}`]);
    }
  }
  if (s.connlimit !== -1) steps.push(['connection limit', `ALTER DATABASE ${db} CONNECTION LIMIT ${Number(s.connlimit)}`]);
  if (s.template) steps.push(['template flag', `ALTER DATABASE ${db} IS_TEMPLATE true`]);
  for (const [what, sql] of steps) {
    try {
      await admin.execute(sql);
    } catch (e) {
      throw new ExecError(`could not give the restored database the old one's ${what} (${sql}): ${(e as Error).message}`);
    }
  }
}

/** `pg_restore --list`: the archive's table of contents, without touching a database. */
function readToc(tool: string, file: string, target: PostgresTarget): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(tool, ['--list', file], { env: pgEnv(target), maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new ExecError(`${path.basename(tool)} cannot read ${file}: ${redact(String(stderr).trim() || err.message, [target.password])}`));
      else resolve(String(stdout).split('\n'));
    });
  });
}

/** pg_restore -l lines of relations (pg_class, 1259) and schemas (pg_namespace, 2615): `<desc> <schema> <name> <owner>`. */
const RELATION_DESCS = ['MATERIALIZED VIEW', 'FOREIGN TABLE', 'SEQUENCE', 'TABLE', 'VIEW'];

function tocObjects(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const m = /^\d+; (\d+) \d+ (.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === '1259' && RELATION_DESCS.some((d) => m[2].startsWith(`${d} `))) out.push(m[2]);
    else if (m[1] === '2615' && m[2].startsWith('SCHEMA ')) out.push(m[2]);
  }
  return out;
}

/**
 * The restored database must hold every table, view, sequence and schema the archive's
 * table of contents lists (a custom-format TOC carries no row counts; the data itself is
 * loaded in one transaction with --exit-on-error, so it is all there or the load failed).
 */
async function checkAgainstToc(target: PostgresTarget, command: string, db: string, toc: string[]): Promise<number> {
  const { PgDriver: Pg } = await import('../drivers/pg.js');
  const d = await Pg.open(target, command, db);
  let keys: Set<string>;
  try {
    const rows = await d.query<{ k: string }>(
      `SELECT CASE c.relkind WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'TABLE' WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'v' THEN 'VIEW'
                             WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'SEQUENCE' END || ' ' || n.nspname || ' ' || c.relname AS k
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')
       UNION ALL SELECT 'SCHEMA - ' || nspname FROM pg_namespace`,
    );
    keys = new Set(rows.map((r) => r.k.replace(/[\r\n]/g, ' ')));
  } finally {
    await d.close();
  }
  const missing: string[] = [];
  for (const entry of tocObjects(toc)) {
    // The owner is the last field; names may hold spaces, so try each split.
    let candidate = entry.trimEnd();
    let found = keys.has(candidate);
    while (!found && candidate.includes(' ')) {
      candidate = candidate.slice(0, candidate.lastIndexOf(' '));
      found = keys.has(candidate);
    }
    if (!found) missing.push(entry);
  }
  if (missing.length) {
    throw new ExecError(`the restored copy lacks ${missing.length} object(s) the archive lists (${missing.slice(0, 3).join('; ')}${missing.length > 3 ? '; ...' : ''})`);
  }
  return tocObjects(toc).length;
}

async function dropDatabase(admin: Driver, name: string): Promise<void> {
  const db = quoteIdent(name);
  const [row] = await admin.query<{ t: boolean }>('SELECT datistemplate AS t FROM pg_database WHERE datname = $1', [name]);
  if (!row) return;
  if (row.t) await admin.execute(`ALTER DATABASE ${db} IS_TEMPLATE false`);
  if ((await serverMajor(admin)) >= 13) await admin.execute(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  else {
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    await admin.execute(`DROP DATABASE IF EXISTS ${db}`);
  }
}

/**
 * Renames in one transaction (ALTER DATABASE RENAME is allowed in a transaction block; it
 * takes an exclusive lock on the database until commit): every `[from, to]` pair happens,
 * or none. Other sessions of the databases are ended first; one that connects in between
 * makes the rename fail with 55006, and it is tried again.
 */
async function renameAtomically(admin: Driver, pairs: [string, string][], log: (m: string) => void): Promise<void> {
  const names = pairs.map(([from]) => from);
  for (let attempt = 1; ; attempt++) {
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ANY($1) AND pid <> pg_backend_pid()', [names]);
    try {
      await admin.execute('BEGIN');
      for (const [from, to] of pairs) await admin.execute(`ALTER DATABASE ${quoteIdent(from)} RENAME TO ${quoteIdent(to)}`);
      await admin.execute('COMMIT');
      return;
    } catch (e) {
      await admin.execute('ROLLBACK').catch(() => {});
      if ((e as { code?: string }).code === '55006' && attempt < 5) {
        log(`note: ${(e as Error).message}; ending its sessions again (attempt ${attempt + 1} of 5)`);
        continue;
      }
      throw e;
    }
  }
}

/**
 * A pg_dump archive is loaded into a NEW database `<db>_mlt_restore_<stamp>` (TEMPLATE
 * template0 with the old encoding, locale and owner), checked against the archive's table
 * of contents and given the old database's privileges, comment and settings; then the
 * names are swapped in one transaction (old → `<db>_mlt_before_<stamp>`, new → `<db>`) and
 * the old database is dropped (the safety backup is the way back). Until the swap the old
 * database is untouched; any failure before it drops the half-made copy. A kill at any
 * moment leaves `<db>` as the old or the restored database, never empty or missing; the
 * marker and the leftover names tell `restore --resume` / `--undo` what to do.
 */
async function restorePgDump(driver: PgDriver, tool: string, file: string, sha256: string, safetyFile: string | undefined, options: RestoreOptions): Promise<void> {
  const target = driver.target;
  const [{ db }] = await driver.query<{ db: string }>('SELECT current_database() AS db');
  const toc = await readToc(tool, file, target).catch((e: Error) => {
    throw new ExecError(`restore failed; ${db} is unchanged: ${e.message}`);
  });
  const stamp = pgStamp();
  const names = pgRestoreNames(db, stamp);
  const mfile = postgresMarkerPath(target, options.backupDir);
  const marker = newMarker({ kind: 'postgres', db: target.display, file, sha256, safety: safetyFile, stamp, postgres: { database: db, ...names } });
  writeMarker(mfile, marker);

  let admin: PgDriver | undefined;
  let created = false;
  let swapped = false;
  try {
    admin = await openAdmin(target, options.command, db);
    try {
      const before = await readDatabaseState(admin, db);
      options.log(`loading ${path.basename(file)} into a new database ${names.restoreDb} (${db} is untouched until the swap)`);
      await admin.execute(createDatabaseSql(names.restoreDb, before));
      created = true;
      await runTool(tool, ['--no-password', '--exit-on-error', '--single-transaction', `--dbname=${dbnameArg(target, names.restoreDb)}`, file], pgEnv(target), [target.password]);
      options.onProgress?.(fs.statSync(file).size);
      const objects = await checkAgainstToc(target, options.command, names.restoreDb, toc);
      options.log(`checked ${names.restoreDb}: the ${objects} tables, views, sequences and schemas the archive lists are there`);
      // Read again: the old database's settings as they are now.
      await copyDatabaseState(admin, names.restoreDb, await readDatabaseState(admin, db));
      marker.phase = 'ready';
      writeMarker(mfile, marker);
      // Our own session on the old database (it held the migration lock until now) must go too.
      await driver.close();
      options.log(`swapping: ${db} becomes the restored database, the old one ${names.beforeDb}`);
      await renameAtomically(
        admin,
        [
          [db, names.beforeDb],
          [names.restoreDb, db],
        ],
        options.log,
      );
      swapped = true;
    } catch (e) {
      // A failed COMMIT may still have committed: ask the server.
      if (created && !swapped) swapped = (await databaseList(admin).catch(() => [])).some((d) => d.name === names.beforeDb);
      if (!swapped) throw e;
    }
  } catch (e) {
    let cleaned = !created;
    if (created && admin) cleaned = await dropDatabase(admin, names.restoreDb).then(
      () => true,
      () => false,
    );
    if (cleaned) removeMarker(mfile);
    await admin?.close();
    await driver.close();
    const msg = e instanceof ExecError ? e.message : redact((e as Error).message, [target.password]);
    throw new ExecError(
      `restore failed; ${db} is unchanged${cleaned ? '' : ` (the half-made ${names.restoreDb} is left over: migratelint restore --undo drops it)`}: ${msg}`,
    );
  }

  try {
    marker.phase = 'swapped';
    writeMarker(mfile, marker);
    await dropDatabase(admin!, names.beforeDb);
    removeMarker(mfile);
    options.log(`dropped the old database ${names.beforeDb}${safetyFile ? ` (it is in ${safetyFile})` : ''}`);
  } catch (e) {
    options.log(`note: restored, but the old database is kept as ${names.beforeDb}: dropping it failed (${(e as Error).message}); migratelint restore --resume drops it`);
  } finally {
    await admin!.close();
  }
}

// =======================================================================================
// Finishing or undoing an interrupted restore

export type RecoverMode = 'resume' | 'undo' | 'auto';

export interface RecoverOptions {
  backupDir: string;
  command: string;
  lockWaitMs: number;
  log: (message: string) => void;
}

/**
 * Finishes (`resume`) or undoes (`undo`) a restore that was interrupted; `auto` (before a
 * new restore) undoes what was not swapped in yet and finishes what was. Returns what was
 * done, or undefined when there was nothing to do.
 */
export async function recoverRestore(target: DbTarget, mode: RecoverMode, options: RecoverOptions): Promise<string | undefined> {
  const mfile = target.kind === 'pglite' ? (target.dataDir ? pgliteMarkerPath(target.dataDir) : undefined) : postgresMarkerPath(target, options.backupDir);
  if (mfile) removeStaleTemporaries(mfile);
  if (target.kind === 'pglite') return target.dataDir ? recoverPglite(target.display, target.dataDir, mode, options) : undefined;
  return recoverPostgres(target, mode, options);
}

function readVerified(m: RestoreMarker): Buffer {
  if (!fs.existsSync(m.file)) throw new ExecError(`cannot finish the restore: ${m.file} is gone; undo it with migratelint restore --undo`);
  if (fileSha256(m.file) !== m.sha256) throw new ExecError(`cannot finish the restore: ${m.file} changed since the restore started; undo it with migratelint restore --undo`);
  return fs.readFileSync(m.file);
}

async function recoverPglite(display: string, dir: string, mode: RecoverMode, options: RecoverOptions): Promise<string | undefined> {
  const mfile = pgliteMarkerPath(dir);
  if (!readMarker(mfile)) {
    const aside = legacyAside(dir);
    if (!aside) return undefined;
    if (mode === 'resume') throw new ExecError(`nothing to finish: ${dir} is missing and only the old data (${aside}) is there; put it back with migratelint restore --undo`);
    fs.renameSync(aside, dir);
    return `put the old data directory back (${path.basename(aside)} → ${path.basename(dir)})`;
  }
  const lock = FileLock.forDataDir(dir, options.command);
  await lock.acquire(options.lockWaitMs);
  try {
    const m = readMarker(mfile);
    if (!m) return undefined;
    const state = pgliteRestoreState(m);
    const what = `the interrupted restore of ${m.file}`;
    if (state === 'done') {
      const trash = fs.existsSync(m.pglite!.trash);
      fs.rmSync(m.pglite!.trash, { recursive: true, force: true });
      removeMarker(mfile);
      return trash ? `finished ${what}: deleted the half-deleted old data directory` : undefined;
    }
    const forward = mode === 'resume' || (mode === 'auto' && state === 'after-swap');
    if (!forward) {
      undoPgliteSwap(m, mfile);
      return `undid ${what}: ${display} is as it was before${m.pglite!.hadDir ? '' : ' (no database)'}`;
    }
    if (state === 'untouched' || (state === 'before-swap' && m.phase === 'loading')) {
      // The copy may be incomplete: load it again.
      const data = readVerified(m);
      undoPgliteSwap(m, mfile);
      await swapInDataDir(display, dir, data, { file: m.file, sha256: m.sha256, safety: m.safety, hadDir: m.pglite!.hadDir }, options.log);
      return `finished ${what} into ${display} (loaded it again)`;
    }
    if (!fs.existsSync(m.pglite!.fresh) && !fs.existsSync(dir)) {
      throw new ExecError(`nothing to finish: the restored copy (${m.pglite!.fresh}) is gone; put the old data back with migratelint restore --undo`);
    }
    finishPgliteSwap(m, mfile);
    return `finished ${what} into ${display}`;
  } finally {
    lock.release();
  }
}

/**
 * A killed restore's last statement may still be running on the server (CREATE DATABASE
 * finishes after its client is gone): wait for it, up to 15 s, before reading what the
 * server holds, or a copy created a moment later would be left behind.
 */
async function settleInFlight(d: Driver): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const [row] = await d.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE pid <> pg_backend_pid() AND state = 'active' AND query ~* 'DATABASE .*_mlt_(restore|before)_'`,
    );
    if (!row?.n) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function recoverPostgres(target: PostgresTarget, mode: RecoverMode, options: RecoverOptions): Promise<string | undefined> {
  const mfile = postgresMarkerPath(target, options.backupDir);
  const m = readMarker(mfile);
  const { PgDriver: Pg } = await import('../drivers/pg.js');
  // The server's list of databases, read through the target itself (always there: the swap is atomic).
  let db = m?.postgres?.database;
  let names: DbEntry[] | undefined;
  try {
    const d = await Pg.open(target, options.command);
    try {
      await settleInFlight(d);
      names = await databaseList(d);
      db ??= (await d.query<{ db: string }>('SELECT current_database() AS db'))[0].db;
    } finally {
      await d.close();
    }
  } catch (e) {
    if (!db) throw e;
  }
  if (!db) return undefined;
  let admin: PgDriver | undefined;
  try {
    if (!names) {
      admin = await openAdmin(target, options.command, db);
      names = await databaseList(admin);
    }
    const st = pgRestoreState(names, db, m);
    const ours = !!m && st.stamp === m.stamp;
    const what = m ? `the interrupted restore of ${m.file}` : `the interrupted restore into ${db}`;
    const done = () => {
      if (ours || (m && st.kind === 'none')) removeMarker(mfile);
    };
    const forward = mode === 'resume' || (mode === 'auto' && st.kind === 'after-swap');
    if (st.others.length) options.log(`note: older leftovers of interrupted restores of ${db}: ${st.others.join(', ')} (run migratelint restore --undo again for each)`);

    if (st.kind === 'none') {
      if (!m) return undefined;
      if (mode === 'resume' && m.phase === 'loading') return await rerunPgRestore(target, m, mfile, options, what);
      removeMarker(mfile);
      return m.phase === 'loading' ? `forgot ${what}: it had not changed anything` : undefined;
    }
    admin ??= await openAdmin(target, options.command, db);

    if (st.kind === 'before-swap') {
      if (!forward) {
        await dropDatabase(admin, st.restoreDb!);
        done();
        return `undid ${what}: dropped the copy ${st.restoreDb}; ${db} is as it was`;
      }
      if (ours && m!.phase !== 'loading' && !st.restoreInvalid) {
        // Loaded, checked and given the old database's settings before the kill: swap now.
        await renameAtomically(
          admin,
          [
            [db, pgRestoreNames(db, st.stamp!).beforeDb],
            [st.restoreDb!, db],
          ],
          options.log,
        );
        await dropDatabase(admin, pgRestoreNames(db, st.stamp!).beforeDb);
        done();
        return `finished ${what}: swapped ${st.restoreDb} in as ${db} and dropped the old database`;
      }
      if (!ours) throw new ExecError(`cannot finish: which backup was being restored into ${st.restoreDb} is unknown (no marker in ${options.backupDir}); drop it with migratelint restore --undo`);
      await dropDatabase(admin, st.restoreDb!);
      await admin.close();
      admin = undefined;
      return await rerunPgRestore(target, m!, mfile, options, what);
    }

    if (st.kind === 'after-swap') {
      if (forward) {
        await dropDatabase(admin, st.beforeDb!);
        done();
        return `finished ${what}: dropped the old database ${st.beforeDb}`;
      }
      if (st.beforeInvalid) {
        throw new ExecError(`cannot undo: the old database ${st.beforeDb} was being dropped when the restore was interrupted; finish with migratelint restore --resume${m?.safety ? ` (its contents are in ${m.safety})` : ''}`);
      }
      if (m) {
        m.phase = 'undoing';
        writeMarker(mfile, m);
      }
      const aside = pgRestoreNames(db, st.stamp!).restoreDb;
      if (st.restoreDb) await dropDatabase(admin, st.restoreDb);
      await renameAtomically(
        admin,
        [
          [db, aside],
          [st.beforeDb!, db],
        ],
        options.log,
      );
      await dropDatabase(admin, aside);
      done();
      return `undid ${what}: ${db} is the old database again (the restored one was dropped)`;
    }

    // 'missing': only possible if someone renamed or dropped <db> by hand.
    if (forward) {
      if (!st.restoreDb || !ours || m!.phase === 'loading' || st.restoreInvalid) throw new ExecError(`cannot finish: ${db} is missing and no complete restored copy is known; put the old one back with migratelint restore --undo`);
      await renameAtomically(admin, [[st.restoreDb, db]], options.log);
      if (st.beforeDb) await dropDatabase(admin, st.beforeDb);
      done();
      return `finished ${what}: ${st.restoreDb} is now ${db}`;
    }
    if (!st.beforeDb || st.beforeInvalid) throw new ExecError(`cannot undo: ${db} is missing and its old copy is gone`);
    await renameAtomically(admin, [[st.beforeDb, db]], options.log);
    if (st.restoreDb) await dropDatabase(admin, st.restoreDb);
    done();
    return `undid ${what}: ${st.beforeDb} is ${db} again`;
  } finally {
    await admin?.close();
  }
}

/** `--resume` of a restore whose copy never completed: the whole restore again, from the marker's backup (its safety backup already exists). */
async function rerunPgRestore(target: PostgresTarget, m: RestoreMarker, mfile: string, options: RecoverOptions, what: string): Promise<string> {
  readVerified(m);
  removeMarker(mfile);
  const { PgDriver: Pg } = await import('../drivers/pg.js');
  const driver = await Pg.open(target, options.command);
  try {
    await driver.lock(options.lockWaitMs, (holder) => options.log(`waiting for the migration lock held by ${holder}...`));
    const tool = await pgRestoreTool(driver);
    await restorePgDump(driver, tool, m.file, m.sha256, m.safety, { ...options, safetyBackup: false });
  } finally {
    await driver.close().catch(() => {});
  }
  return `finished ${what} into ${m.postgres!.database} (loaded it again)`;
}
