import fs from 'node:fs';
import path from 'node:path';
import { fileSha256, readMeta, sidecarPath, type BackupMeta } from './meta.js';

export interface ListedBackup extends Partial<BackupMeta> {
  file: string;
  bytes: number;
  createdAt: string;
  /** False when the file no longer matches its recorded checksum. */
  intact?: boolean;
}

/**
 * The backups in a directory, newest first. A file without a sidecar still restores, so it
 * is listed (and pruned) too, dated by its mtime.
 */
export function listBackups(dir: string, verify = false): ListedBackup[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const out: ListedBackup[] = [];
  for (const name of names) {
    // Sidecars, and backups still being written (or left by a killed run).
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
    fs.rmSync(sidecarPath(b.file), { force: true });
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
