import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import type { Driver } from './drivers/types.js';
import type { PgliteDriver } from './drivers/pglite.js';
import type { PgDriver } from './drivers/pg.js';
import { isDataDir, openPglite } from './drivers/pglite.js';
import { FileLock } from './lock.js';
import { ExecError } from './errors.js';
import { sha256 } from './migrations.js';
import { quoteIdent, quoteLiteral } from './sql.js';
import { redact, withoutPassword, type PostgresTarget } from './url.js';
import { toolVersion } from '../meta.js';

export const DEFAULT_BACKUP_DIR = '.migratelint/backups';

/**
 * - `pglite`: the embedded data directory as a gzipped tarball (dumpDataDir); restores exactly.
 * - `pg_dump`: `pg_dump -Fc` of the whole database; restored into a dropped and recreated database.
 * - `logical`: the rows of some tables (and enough of their definition to recreate them),
 *   written with COPY; restored by emptying those tables and copying the rows back.
 */
export type BackupKind = 'pglite' | 'pg_dump' | 'logical';

export interface BackupMeta {
  file: string;
  kind: BackupKind;
  createdAt: string;
  bytes: number;
  sha256: string;
  /** The database it was taken from, password masked. */
  db: string;
  serverVersion?: string;
  database?: string;
  /** For logical backups: the tables in it. */
  tables?: string[];
  /** Why it was taken: `manual`, `before apply`, `before rollback`, `before restore`. */
  reason: string;
  toolVersion: string;
  /** Anything the user should know (why a logical backup was taken instead of pg_dump). */
  note?: string;
}

export interface BackupOptions {
  dir: string;
  /** Exact output file; otherwise a timestamped name in `dir`. */
  output?: string;
  reason: string;
  /** Only the rows of these tables (logical backup). */
  tablesOnly?: boolean;
  /** Tables for a logical backup; undefined = every user table. */
  tables?: string[];
  onProgress?: (bytes: number) => void;
}

const stamp = (d = new Date()) => d.toISOString().replace(/[:.]/g, '-');

function sidecar(file: string): string {
  return `${file}.json`;
}

function writeMeta(meta: BackupMeta): void {
  fs.writeFileSync(sidecar(meta.file), `${JSON.stringify(meta, null, 2)}\n`);
}

function readMeta(file: string): BackupMeta | undefined {
  try {
    return JSON.parse(fs.readFileSync(sidecar(file), 'utf8')) as BackupMeta;
  } catch {
    return undefined;
  }
}

function fileSha256(file: string): string {
  return sha256(fs.readFileSync(file));
}

/** Writes data to `file` through a temporary name, so a killed run never leaves half a backup under the real name. */
function writeAtomically(file: string, data: Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.partial`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

export async function createBackup(driver: Driver, options: BackupOptions): Promise<BackupMeta> {
  fs.mkdirSync(options.dir, { recursive: true });
  const version = await driver.serverVersion();
  const base = {
    createdAt: new Date().toISOString(),
    db: driver.display,
    serverVersion: version.text.split(' on ')[0],
    reason: options.reason,
    toolVersion: toolVersion(),
  };
  const target = (ext: string, label: string) => options.output ?? path.join(options.dir, `${stamp()}-${label}${ext}`);

  if (driver.kind === 'pglite' && !options.tablesOnly) {
    const data = await (driver as PgliteDriver).dumpDataDir();
    const file = target('.tgz', 'pglite');
    writeAtomically(file, data);
    options.onProgress?.(data.length);
    const meta: BackupMeta = { ...base, file, kind: 'pglite', bytes: data.length, sha256: sha256(data) };
    writeMeta(meta);
    return meta;
  }

  const [{ db }] = await driver.query<{ db: string }>('SELECT current_database() AS db');
  let note: string | undefined;
  if (driver.kind === 'postgres' && !options.tablesOnly) {
    const major = Math.floor(version.num / 10000);
    const tool = findPgTool('pg_dump', major);
    if (tool) {
      const file = target('.dump', safeName(db));
      await runPgDump(tool.path, (driver as PgDriver).target, file, options.onProgress);
      const meta: BackupMeta = { ...base, file, kind: 'pg_dump', database: db, bytes: fs.statSync(file).size, sha256: fileSha256(file) };
      writeMeta(meta);
      return meta;
    }
    note = `no pg_dump of version ${major} or newer is installed (a pg_dump older than the server refuses to run); wrote a logical backup of the tables instead`;
  }

  const file = target('.copy', `${safeName(db)}-tables`);
  const tables = await writeLogicalBackup(driver, file, options.tables, options.onProgress);
  const meta: BackupMeta = {
    ...base,
    file,
    kind: 'logical',
    database: db,
    tables,
    bytes: fs.statSync(file).size,
    sha256: fileSha256(file),
    ...(note ? { note } : {}),
  };
  writeMeta(meta);
  return meta;
}

function safeName(s: string): string {
  return s.replace(/[^\w.-]+/g, '_').slice(0, 60) || 'db';
}

// ---------------------------------------------------------------------------------------
// pg_dump / pg_restore

interface PgTool {
  path: string;
  major: number;
}

const toolCache = new Map<string, PgTool[]>();

/**
 * Every installed copy of a PostgreSQL client program with its major version: on PATH
 * and in /usr/lib/postgresql/<version>/bin, or only in $MIGRATELINT_PG_BINDIR when set.
 */
function installedPgTools(name: 'pg_dump' | 'pg_restore'): PgTool[] {
  const cacheKey = `${name}\0${String(process.env.MIGRATELINT_PG_BINDIR)}\0${process.env.PATH ?? ''}`;
  const cached = toolCache.get(cacheKey);
  if (cached) return cached;
  const candidates = new Set<string>();
  const only = process.env.MIGRATELINT_PG_BINDIR;
  if (only !== undefined) {
    // An explicit choice: only this directory (empty = no client tools at all).
    if (only) candidates.add(path.join(only, name));
  } else {
    for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir) candidates.add(path.join(dir, name));
    try {
      for (const v of fs.readdirSync('/usr/lib/postgresql')) candidates.add(path.join('/usr/lib/postgresql', v, 'bin', name));
    } catch {
      // not Debian-style
    }
  }
  const out: PgTool[] = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    let real: string;
    try {
      real = fs.realpathSync(c);
      fs.accessSync(real, fs.constants.X_OK);
    } catch {
      continue;
    }
    if (seen.has(real)) continue;
    seen.add(real);
    const major = toolMajor(c);
    if (major) out.push({ path: c, major });
  }
  out.sort((a, b) => b.major - a.major);
  toolCache.set(cacheKey, out);
  return out;
}

function toolMajor(bin: string): number | undefined {
  try {
    const out = execFileSync(bin, ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
    const m = /(\d+)(?:\.\d+)?/.exec(out.replace(/^[^\d]*/, ''));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The newest installed tool at least as new as the server (older ones refuse to dump newer servers). */
function findPgTool(name: 'pg_dump' | 'pg_restore', serverMajor: number): PgTool | undefined {
  return installedPgTools(name).find((t) => t.major >= serverMajor);
}

function pgEnv(target: PostgresTarget): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PGAPPNAME: 'migratelint' };
  if (target.password) env.PGPASSWORD = target.password;
  return env;
}

function runTool(bin: string, args: string[], env: NodeJS.ProcessEnv, secrets: (string | undefined)[], watch?: { file: string; onProgress?: (n: number) => void }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d.toString();
    });
    const timer = watch?.onProgress
      ? setInterval(() => {
          try {
            watch.onProgress!(fs.statSync(watch.file).size);
          } catch {
            // not created yet
          }
        }, 200)
      : undefined;
    child.on('error', (e) => {
      if (timer) clearInterval(timer);
      reject(new ExecError(`${path.basename(bin)} could not start: ${e.message}`));
    });
    child.on('close', (code) => {
      if (timer) clearInterval(timer);
      if (code === 0) resolve();
      else reject(new ExecError(`${path.basename(bin)} failed (exit ${code}): ${redact(stderr.trim(), secrets) || 'no message'}`));
    });
  });
}

async function runPgDump(bin: string, target: PostgresTarget, file: string, onProgress?: (n: number) => void): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.partial`;
  const args = ['--format=custom', '--no-password', `--file=${tmp}`];
  if (target.connectionString) args.push(`--dbname=${withoutPassword(target.connectionString)}`);
  await runTool(bin, args, pgEnv(target), [target.password], { file: tmp, onProgress });
  fs.renameSync(tmp, file);
  onProgress?.(fs.statSync(file).size);
}

// ---------------------------------------------------------------------------------------
// Logical backups: COPY of the rows, plus each table's definition.

const LOGICAL_MAGIC = '-- migratelint logical backup 1';

interface ColumnDef {
  name: string;
  type: string;
  notNull: boolean;
  default: string | null;
  identity: string;
  generated: string;
}

interface TableDef {
  /** Quoted `schema.table`. */
  table: string;
  schema: string;
  name: string;
  columns: ColumnDef[];
  /** Columns written by COPY (generated columns left out). */
  copyColumns: string[];
  constraints: { name: string; type: string; def: string }[];
  indexes: string[];
  sequences: { name: string; column: string; lastValue: string; isCalled: boolean }[];
  rows: number;
}

async function userTables(driver: Driver): Promise<string[]> {
  const rows = await driver.query<{ t: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
        AND c.relname <> 'migratelint_migrations' ORDER BY 1`,
  );
  return rows.map((r) => r.t);
}

async function describeTable(driver: Driver, name: string): Promise<TableDef | undefined> {
  const [rel] = await driver.query<{ oid: number; schema: string; name: string }>(
    `SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid = to_regclass($1) AND c.relkind IN ('r', 'p')`,
    [name],
  );
  if (!rel) return undefined;
  const columns = await driver.query<ColumnDef>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS "notNull",
            pg_get_expr(d.adbin, d.adrelid) AS default, a.attidentity::text AS identity, a.attgenerated::text AS generated
       FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [rel.oid],
  );
  const constraints = await driver.query<{ name: string; type: string; def: string }>(
    `SELECT conname AS name, contype::text AS type, pg_get_constraintdef(oid) AS def FROM pg_constraint
      WHERE conrelid = $1 AND contype IN ('p', 'u', 'c', 'f', 'x') ORDER BY contype = 'f', conname`,
    [rel.oid],
  );
  const indexes = await driver.query<{ def: string }>(
    `SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
      WHERE i.indrelid = $1 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = $1)`,
    [rel.oid],
  );
  const seqs = await driver.query<{ name: string; column: string }>(
    `SELECT format('%I.%I', n.nspname, s.relname) AS name, a.attname AS column
       FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' JOIN pg_namespace n ON n.oid = s.relnamespace
       JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      WHERE d.classid = 'pg_class'::regclass AND d.refobjid = $1 AND d.deptype IN ('a', 'i')`,
    [rel.oid],
  );
  const sequences = [];
  for (const s of seqs) {
    const [v] = await driver.query<{ last_value: string; is_called: boolean }>(`SELECT last_value::text, is_called FROM ${s.name}`);
    sequences.push({ name: s.name, column: s.column, lastValue: v.last_value, isCalled: v.is_called });
  }
  const table = `${quoteIdent(rel.schema)}.${quoteIdent(rel.name)}`;
  const [{ n }] = await driver.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return {
    table,
    schema: rel.schema,
    name: rel.name,
    columns,
    copyColumns: columns.filter((c) => !c.generated).map((c) => c.name),
    constraints,
    indexes: indexes.map((i) => i.def),
    sequences,
    rows: n,
  };
}

async function writeLogicalBackup(driver: Driver, file: string, tables: string[] | undefined, onProgress?: (n: number) => void): Promise<string[]> {
  const names = tables ?? (await userTables(driver));
  const defs: TableDef[] = [];
  const parts: Buffer[] = [];
  let bytes = 0;
  // One snapshot for every table: a consistent backup even while others write.
  await driver.execute('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    for (const name of names) {
      const def = await describeTable(driver, name);
      if (!def) continue; // created by a pending migration: nothing to keep yet
      defs.push(def);
      const header = Buffer.from(`COPY ${def.table} (${def.copyColumns.map(quoteIdent).join(', ')}) FROM stdin;\n`);
      const data = await driver.copyOut(def.table, def.copyColumns, (n) => onProgress?.(bytes + n));
      bytes += data.length;
      parts.push(header, data, Buffer.from('\\.\n'));
    }
    await driver.execute('COMMIT');
  } catch (e) {
    await driver.execute('ROLLBACK').catch(() => {});
    throw e;
  }
  const manifest = Buffer.from(`${LOGICAL_MAGIC}\n-- ${JSON.stringify({ tables: defs })}\n`);
  writeAtomically(file, Buffer.concat([manifest, ...parts]));
  onProgress?.(fs.statSync(file).size);
  return defs.map((d) => d.table);
}

function parseLogical(data: Buffer): { tables: TableDef[]; copies: Map<string, Buffer> } {
  const text = data.toString('utf8');
  const lines = text.split('\n');
  if (lines[0] !== LOGICAL_MAGIC || !lines[1]?.startsWith('-- {')) throw new ExecError('not a migratelint logical backup');
  const { tables } = JSON.parse(lines[1].slice(3)) as { tables: TableDef[] };
  const copies = new Map<string, Buffer>();
  let i = 2;
  for (const def of tables) {
    if (!lines[i]?.startsWith(`COPY ${def.table} `)) throw new ExecError(`logical backup is damaged near the data of ${def.table}`);
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end] !== '\\.') end++;
    if (end >= lines.length) throw new ExecError(`logical backup is cut short in the data of ${def.table}`);
    const body = lines.slice(start, end);
    copies.set(def.table, Buffer.from(body.length ? `${body.join('\n')}\n` : '', 'utf8'));
    i = end + 1;
  }
  return { tables, copies };
}

function createTableSql(def: TableDef): string[] {
  const out: string[] = [];
  for (const s of def.sequences) {
    const col = def.columns.find((c) => c.name === s.column);
    if (col && !col.identity) out.push(`CREATE SEQUENCE IF NOT EXISTS ${s.name}`);
  }
  const cols = def.columns.map((c) => {
    let sql = `${quoteIdent(c.name)} ${c.type}`;
    if (c.generated === 's' && c.default) sql += ` GENERATED ALWAYS AS (${c.default}) STORED`;
    else if (c.identity) sql += ` GENERATED ${c.identity === 'a' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`;
    else if (c.default) sql += ` DEFAULT ${c.default}`;
    if (c.notNull) sql += ' NOT NULL';
    return sql;
  });
  for (const con of def.constraints.filter((c) => c.type !== 'f')) cols.push(`CONSTRAINT ${quoteIdent(con.name)} ${con.def}`);
  out.push(`CREATE TABLE ${def.table} (\n  ${cols.join(',\n  ')}\n)`);
  for (const s of def.sequences) {
    const col = def.columns.find((c) => c.name === s.column);
    if (col && !col.identity) out.push(`ALTER SEQUENCE ${s.name} OWNED BY ${def.table}.${quoteIdent(s.column)}`);
  }
  out.push(...def.indexes);
  return out;
}

async function restoreLogical(driver: Driver, data: Buffer, log: (m: string) => void): Promise<void> {
  const { tables, copies } = parseLogical(data);
  await driver.execute('BEGIN');
  try {
    const recreated: TableDef[] = [];
    const existing: TableDef[] = [];
    for (const def of tables) {
      const [row] = await driver.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [def.table]);
      if (row.ok) existing.push(def);
      else {
        for (const sql of createTableSql(def)) await driver.execute(sql);
        recreated.push(def);
        log(`recreated table ${def.table}`);
      }
    }
    if (existing.length) await driver.execute(`TRUNCATE ${existing.map((d) => d.table).join(', ')}`);
    for (const def of tables) await driver.copyIn(def.table, def.copyColumns, copies.get(def.table) ?? Buffer.alloc(0));
    for (const def of recreated) {
      for (const con of def.constraints.filter((c) => c.type === 'f')) {
        await driver.execute(`ALTER TABLE ${def.table} ADD CONSTRAINT ${quoteIdent(con.name)} ${con.def}`);
      }
    }
    for (const def of tables) {
      for (const s of def.sequences) {
        const [exists] = await driver.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [s.name]);
        if (exists.ok) await driver.query(`SELECT setval($1::regclass, $2::bigint, $3)`, [s.name, s.lastValue, s.isCalled]);
      }
    }
    await driver.execute('COMMIT');
  } catch (e) {
    await driver.execute('ROLLBACK').catch(() => {});
    throw e;
  }
}

// ---------------------------------------------------------------------------------------
// Restore

function detectKind(file: string): BackupKind {
  const fd = fs.openSync(file, 'r');
  const head = Buffer.alloc(64);
  fs.readSync(fd, head, 0, 64, 0);
  fs.closeSync(fd);
  if (head.subarray(0, 5).toString('latin1') === 'PGDMP') return 'pg_dump';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'pglite';
  if (head.toString('utf8').startsWith(LOGICAL_MAGIC)) return 'logical';
  throw new ExecError(`${file}: not a migratelint backup (neither a PGlite tarball, a pg_dump custom archive nor a logical backup)`);
}

/** Checks the file against the checksum recorded when it was written. */
export function verifyBackup(file: string): { kind: BackupKind; meta?: BackupMeta; sha256: string; bytes: number } {
  if (!fs.existsSync(file)) throw new ExecError(`${file}: no such backup`);
  const meta = readMeta(file);
  const sum = fileSha256(file);
  if (meta && meta.sha256 !== sum) {
    throw new ExecError(`${file}: checksum mismatch (recorded ${meta.sha256.slice(0, 12)}, file ${sum.slice(0, 12)}): the backup is damaged or was changed`);
  }
  return { kind: detectKind(file), meta, sha256: sum, bytes: fs.statSync(file).size };
}

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

/**
 * Restores a backup. The driver is closed by the restore (a data directory is swapped,
 * a database dropped and recreated); open a new one afterwards.
 */
export async function restoreBackup(driver: Driver, file: string, options: RestoreOptions): Promise<RestoreResult> {
  const checked = verifyBackup(file);
  if (checked.kind === 'pglite' && driver.kind !== 'pglite') throw new ExecError(`${file} is a PGlite data directory backup: it restores only into a pglite: database`);
  if (checked.kind === 'pg_dump' && driver.kind !== 'postgres') throw new ExecError(`${file} is a pg_dump archive: it restores only into a PostgreSQL server`);
  let safety: BackupMeta | undefined;
  if (options.safetyBackup) {
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
    await restorePglite(driver as PgliteDriver, file, options);
    return result;
  }
  await restorePgDump(driver as PgDriver, file, safety?.file, options);
  return result;
}

async function restorePglite(driver: PgliteDriver, file: string, options: RestoreOptions): Promise<void> {
  const dir = driver.target.dataDir;
  if (!dir) {
    await driver.close();
    throw new ExecError('pglite:memory lives only as long as its process: restore into a data directory (--db pglite:<dir>)');
  }
  const data = fs.readFileSync(file);
  const lock = await driver.closeKeepingLock();
  try {
    await loadIntoDataDir(dir, data, options.log);
    options.onProgress?.(data.length);
  } finally {
    lock?.release();
  }
}

/**
 * Replaces a PGlite data directory with a tarball's contents. The tarball is loaded into
 * a new directory next to it first; only a complete, opened-and-checked copy is swapped in
 * (two renames), so a failure or a kill leaves the old directory in place.
 */
async function loadIntoDataDir(dir: string, data: Buffer, log: (m: string) => void): Promise<void> {
  const s = stamp();
  const fresh = `${dir}.restoring-${s}`;
  const aside = `${dir}.before-restore-${s}`;
  try {
    const db = await openPglite(fresh, data);
    await db.query('SELECT 1');
    await db.close();
  } catch (e) {
    fs.rmSync(fresh, { recursive: true, force: true });
    throw new ExecError(`restore failed, the database is unchanged: ${(e as Error).message}`);
  }
  const had = fs.existsSync(dir);
  if (had) fs.renameSync(dir, aside);
  fs.renameSync(fresh, dir);
  if (had) fs.rmSync(aside, { recursive: true, force: true });
  log(`loaded ${formatBytes(data.length)} into ${dir}`);
}

/** Restores into a data directory nobody has open (it may not exist yet). */
export async function restorePgliteDir(dataDir: string, file: string, options: RestoreOptions): Promise<RestoreResult> {
  const checked = verifyBackup(file);
  if (checked.kind !== 'pglite') throw new ExecError(`${file} is not a PGlite data directory backup`);
  const lock = FileLock.forDataDir(dataDir, options.command);
  await lock.acquire(options.lockWaitMs);
  try {
    if (isDataDir(dataDir)) throw new ExecError('internal: data directory exists');
    await loadIntoDataDir(dataDir, fs.readFileSync(file), options.log);
  } finally {
    lock.release();
  }
  return { kind: 'pglite', sha256: checked.sha256, bytes: checked.bytes };
}

async function restorePgDump(driver: PgDriver, file: string, safetyFile: string | undefined, options: RestoreOptions): Promise<void> {
  const target = driver.target;
  const version = await driver.serverVersion();
  const major = Math.floor(version.num / 10000);
  const tool = findPgTool('pg_restore', major);
  if (!tool) throw new ExecError(`no pg_restore of version ${major} or newer is installed: cannot restore a pg_dump archive into this server`);
  const [info] = await driver.query<{ db: string; enc: string; collate: string; ctype: string; owner: string }>(
    `SELECT datname AS db, pg_encoding_to_char(encoding) AS enc, datcollate AS collate, datctype AS ctype, pg_get_userbyid(datdba) AS owner
       FROM pg_database WHERE datname = current_database()`,
  );
  await driver.close();

  const { PgDriver: Pg } = await import('./drivers/pg.js');
  const maintenanceDb = info.db === 'postgres' ? 'template1' : 'postgres';
  const admin = await Pg.open(target, options.command, maintenanceDb);
  const recreate = async () => {
    const db = quoteIdent(info.db);
    if (major >= 13) await admin.execute(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    else {
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [info.db]);
      await admin.execute(`DROP DATABASE IF EXISTS ${db}`);
    }
    await admin.execute(
      `CREATE DATABASE ${db} OWNER ${quoteIdent(info.owner)} TEMPLATE template0 ENCODING ${quoteLiteral(info.enc)} ` +
        `LC_COLLATE ${quoteLiteral(info.collate)} LC_CTYPE ${quoteLiteral(info.ctype)}`,
    );
  };
  const load = (archive: string) =>
    runTool(
      tool.path,
      ['--no-password', '--exit-on-error', '--single-transaction', ...(target.connectionString ? [`--dbname=${withoutPassword(target.connectionString)}`] : [`--dbname=${info.db}`]), archive],
      pgEnv(target),
      [target.password],
      undefined,
    );
  try {
    options.log(`dropping and recreating database ${info.db}`);
    await recreate();
    try {
      await load(file);
      options.onProgress?.(fs.statSync(file).size);
    } catch (e) {
      if (!safetyFile) throw new ExecError(`restore failed and no safety backup was taken (--no-backup): ${(e as Error).message}`);
      options.log(`restore failed; putting the database back from ${safetyFile}`);
      await recreate();
      await load(safetyFile);
      throw new ExecError(`restore failed; the database was put back as it was before (from ${safetyFile}): ${(e as Error).message}`);
    }
  } finally {
    await admin.close();
  }
}

// ---------------------------------------------------------------------------------------
// Listing and retention

export interface ListedBackup extends Partial<BackupMeta> {
  file: string;
  bytes: number;
  createdAt: string;
  /** False when the file no longer matches its recorded checksum. */
  intact?: boolean;
}

export function listBackups(dir: string, verify = false): ListedBackup[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const out: ListedBackup[] = [];
  for (const name of names) {
    if (name.endsWith('.json') || name.endsWith('.partial')) continue;
    const file = path.join(dir, name);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      continue;
    }
    if (!stat.isFile()) continue;
    const meta = readMeta(file);
    const entry: ListedBackup = { ...(meta ?? {}), file, bytes: stat.size, createdAt: meta?.createdAt ?? stat.mtime.toISOString() };
    if (verify && meta) entry.intact = fileSha256(file) === meta.sha256;
    out.push(entry);
  }
  out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  return out;
}

export interface Retention {
  /** Keep at most this many (newest first). */
  keep?: number;
  /** Delete backups older than this many milliseconds. */
  maxAgeMs?: number;
}

/** Deletes backups beyond the retention setting; returns the deleted files. */
export function pruneBackups(dir: string, retention: Retention, now = Date.now()): string[] {
  const list = listBackups(dir);
  const deleted: string[] = [];
  list.forEach((b, i) => {
    const tooMany = retention.keep !== undefined && i >= retention.keep;
    const tooOld = retention.maxAgeMs !== undefined && now - Date.parse(b.createdAt) > retention.maxAgeMs;
    if (!tooMany && !tooOld) return;
    fs.rmSync(b.file, { force: true });
    fs.rmSync(sidecar(b.file), { force: true });
    deleted.push(b.file);
  });
  return deleted;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}
