import fs from 'node:fs';
import type { Driver } from '../drivers/types.js';
import type { PgliteDriver } from '../drivers/pglite.js';
import type { PgDriver } from '../drivers/pg.js';
import { isDataDir, openPglite } from '../drivers/pglite.js';
import { FileLock } from '../lock.js';
import { ExecError } from '../errors.js';
import { quoteIdent, quoteLiteral } from '../sql.js';
import { withoutPassword } from '../url.js';
import { fileNameStamp, verifyBackup, type BackupKind, type BackupMeta } from './meta.js';
import { findPgTool, pgEnv, runTool } from './pg-tools.js';
import { parseLogical, restoreLogical } from './logical.js';
import { createBackup } from './create.js';
import { formatBytes } from './retention.js';

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
  // The directory is replaced under the lock, so no other run opens it half-swapped.
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
  const s = fileNameStamp();
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

/**
 * A whole-database archive loads only into an empty database, so the database is dropped
 * and recreated with its old encoding, locale and owner. If loading fails, the safety
 * backup is loaded the same way so the database is not left empty.
 */
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
  // A database cannot be dropped while we are connected to it.
  await driver.close();

  const { PgDriver: Pg } = await import('../drivers/pg.js');
  const maintenanceDb = info.db === 'postgres' ? 'template1' : 'postgres';
  const admin = await Pg.open(target, options.command, maintenanceDb);
  const recreate = async () => {
    const db = quoteIdent(info.db);
    // WITH (FORCE) is PostgreSQL 13+; before that, other sessions are ended by hand.
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
