import fs from 'node:fs';
import path from 'node:path';
import { ExecError } from '../errors.js';
import { sha256 } from '../migrations.js';
import type { BackupContents } from './contents.js';

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
  /**
   * The tables with their row counts and schema, read in the same snapshot the backup was
   * taken from, for `backups --verify` to compare a restored copy with. Older backups lack it.
   */
  contents?: BackupContents;
  /** PGlite backups: the tarball's size once inflated (restore refuses one that inflates beyond it). */
  inflatedBytes?: number;
}

/** The first line of a logical backup; here rather than in logical.ts because recognising a file's kind needs it. */
export const LOGICAL_MAGIC = '-- migratelint logical backup 1';

/** A timestamp that is safe in a file name and sorts in time order. */
export const fileNameStamp = (d = new Date()) => d.toISOString().replace(/[:.]/g, '-');

export function sidecarPath(file: string): string {
  return `${file}.json`;
}

export function writeMeta(meta: BackupMeta): void {
  fs.writeFileSync(sidecarPath(meta.file), `${JSON.stringify(meta, null, 2)}\n`);
}

/** Undefined when there is no sidecar or it cannot be read: a backup without one still restores, unverified. */
export function readMeta(file: string): BackupMeta | undefined {
  try {
    return JSON.parse(fs.readFileSync(sidecarPath(file), 'utf8')) as BackupMeta;
  } catch {
    return undefined;
  }
}

export function fileSha256(file: string): string {
  return sha256(fs.readFileSync(file));
}

/** Writes data to `file` through a temporary name, so a killed run never leaves half a backup under the real name. */
export function writeAtomically(file: string, data: Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.partial`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** By content, not by name or sidecar: a backup may have been renamed or copied without its sidecar. */
function detectBackupKind(file: string): BackupKind {
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
  return { kind: detectBackupKind(file), meta, sha256: sum, bytes: fs.statSync(file).size };
}
