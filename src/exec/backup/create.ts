import fs from 'node:fs';
import { ExecError } from '../errors.js';
import path from 'node:path';
import type { Driver } from '../drivers/types.js';
import type { PgliteDriver } from '../drivers/pglite.js';
import type { PgDriver } from '../drivers/pg.js';
import { sha256 } from '../migrations.js';
import { toolVersion } from '../../meta.js';
import { fileNameStamp, fileSha256, writeAtomically, writeMeta, type BackupMeta } from './meta.js';
import { findPgTool, runPgDump, runPgDumpAtSnapshot } from './pg-tools.js';
import { writeLogicalBackup } from './logical.js';
import { readContents, type BackupContents } from './contents.js';
import { inflatedSize } from './inflate.js';

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

/** A backup folder that cannot be written is the user's to fix: one line, before any work. */
function ensureWritableDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new ExecError(`cannot write backups to ${dir} (${code}): choose a folder with --backup-dir, or pass --no-backup to go on without one`);
  }
}

/**
 * Takes the most complete backup the target allows: a PGlite data directory whole; a
 * PostgreSQL database with pg_dump when a new enough one is installed; otherwise (or when
 * only some tables are asked for) a logical backup of the tables' rows.
 */
export async function createBackup(driver: Driver, options: BackupOptions): Promise<BackupMeta> {
  ensureWritableDir(options.output ? path.dirname(options.output) : options.dir);
  const version = await driver.serverVersion();
  const base = {
    createdAt: new Date().toISOString(),
    db: driver.display,
    serverVersion: version.text.split(' on ')[0],
    reason: options.reason,
    toolVersion: toolVersion(),
  };
  const target = (ext: string, label: string) => options.output ?? path.join(options.dir, `${fileNameStamp()}-${label}${ext}`);

  if (driver.kind === 'pglite' && !options.tablesOnly) {
    // One connection, ours: nothing writes between the counts and the dump.
    const contents = await readContents(driver);
    const data = await (driver as PgliteDriver).dumpDataDir();
    const file = target('.tgz', 'pglite');
    writeAtomically(file, data);
    options.onProgress?.(data.length);
    const inflatedBytes = await inflatedSize(data, file);
    const meta: BackupMeta = { ...base, file, kind: 'pglite', bytes: data.length, sha256: sha256(data), contents, inflatedBytes };
    writeMeta(meta);
    return meta;
  }

  const [{ db }] = await driver.query<{ db: string }>('SELECT current_database() AS db');
  let note: string | undefined;
  if (driver.kind === 'postgres' && !options.tablesOnly) {
    const major = Math.floor(version.num / 10000);
    const tool = findPgTool('pg_dump', major);
    if (tool) {
      const file = target('.dump', fileNameSafe(db));
      const { contents, note: countNote } = await dumpWithContents(driver as PgDriver, tool.path, file, options.onProgress);
      const meta: BackupMeta = {
        ...base,
        file,
        kind: 'pg_dump',
        database: db,
        bytes: fs.statSync(file).size,
        sha256: fileSha256(file),
        ...(contents ? { contents } : {}),
        ...(countNote ? { note: countNote } : {}),
      };
      writeMeta(meta);
      return meta;
    }
    note = `no pg_dump of version ${major} or newer is installed (a pg_dump older than the server refuses to run); wrote a logical backup of the tables instead`;
  }

  const file = target('.copy', `${fileNameSafe(db)}-tables`);
  const { tables, contents } = await writeLogicalBackup(driver, file, options.tables, options.onProgress);
  const meta: BackupMeta = {
    ...base,
    file,
    kind: 'logical',
    database: db,
    tables,
    contents,
    bytes: fs.statSync(file).size,
    sha256: fileSha256(file),
    ...(note ? { note } : {}),
  };
  writeMeta(meta);
  return meta;
}

/**
 * pg_dump at a snapshot this session exported, with the tables' row counts and schema read
 * in the same REPEATABLE READ transaction while it runs: the counts are exactly the
 * archive's, whatever others write meanwhile. Where no snapshot can be exported, or the
 * counts cannot be read, the archive is still made, without them (and a note says why).
 */
async function dumpWithContents(driver: PgDriver, bin: string, file: string, onProgress?: (n: number) => void): Promise<{ contents?: BackupContents; note?: string }> {
  let snapshot: string;
  try {
    await driver.execute('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    [{ snapshot }] = await driver.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot');
  } catch (e) {
    await driver.execute('ROLLBACK').catch(() => {});
    await runPgDump(bin, driver.target, file, onProgress);
    return { note: `row counts not recorded: no snapshot could be exported for them (${(e as Error).message})` };
  }
  try {
    const dump = runPgDumpAtSnapshot(bin, driver.target, file, snapshot, onProgress);
    // A failed count must not end the transaction: pg_dump may not have taken its snapshot yet.
    const counted = (async () => {
      await driver.execute('SAVEPOINT migratelint_contents');
      try {
        return { contents: await readContents(driver) };
      } catch (e) {
        await driver.execute('ROLLBACK TO SAVEPOINT migratelint_contents');
        return { note: `row counts not recorded: ${(e as Error).message}` };
      }
    })();
    // Both settle before the transaction ends, whichever fails.
    const [dumped, result] = await Promise.allSettled([dump, counted]);
    if (dumped.status === 'rejected') throw dumped.reason;
    if (result.status === 'rejected') return { note: `row counts not recorded: ${(result.reason as Error).message}` };
    return result.value;
  } finally {
    await driver.execute('COMMIT').catch(() => {});
  }
}

/** A database name as part of a file name: any name is allowed in PostgreSQL, not in every file system. */
function fileNameSafe(s: string): string {
  return s.replace(/[^\w.-]+/g, '_').slice(0, 60) || 'db';
}
