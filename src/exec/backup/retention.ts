import fs from 'node:fs';
import path from 'node:path';
import { readMeta, sidecarPath, type BackupMeta } from './meta.js';

/** A backup as listed: its sidecar without the recorded contents (those are for --verify, and long). */
export interface ListedBackup extends Partial<Omit<BackupMeta, 'contents'>> {
  file: string;
  bytes: number;
  createdAt: string;
}

/** The regular files of a directory whose names pass `wanted`; none when it cannot be read. */
function* filesIn(dir: string, wanted: (name: string) => boolean): Generator<{ file: string; stat: fs.Stats }> {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!wanted(name)) continue;
    const file = path.join(dir, name);
    try {
      const stat = fs.statSync(file);
      if (stat.isFile()) yield { file, stat };
    } catch {
      // gone meanwhile
    }
  }
}

/**
 * The backups in a directory, newest first. A file without a sidecar still restores, so it
 * is listed (and pruned) too, dated by its mtime.
 */
export function listBackups(dir: string): ListedBackup[] {
  const out: ListedBackup[] = [];
  // Sidecars, and backups still being written or left by a killed run (listPartials), are not backups.
  for (const { file, stat } of filesIn(dir, (name) => !name.endsWith('.json') && !name.endsWith('.partial'))) {
    const meta: Partial<BackupMeta> = { ...readMeta(file) };
    delete meta.contents;
    out.push({ ...meta, file, bytes: stat.size, createdAt: meta.createdAt ?? stat.mtime.toISOString() });
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

/**
 * A `*.partial` file: a backup being written (writeAtomically, pg_dump) or left by a run
 * that was killed. It is never a valid backup.
 */
export interface PartialFile {
  file: string;
  bytes: number;
  /** When it was last written to. */
  modifiedAt: string;
  /** Not written to for PARTIAL_STALE_MS: the run that wrote it is gone, so prune deletes it. */
  interrupted: boolean;
}

/**
 * A partial file this long untouched belongs to no running backup. A younger one may be
 * another process's backup in progress (pg_dump can wait a long time for its locks), and
 * deleting it would make that run fail, so prune leaves it.
 */
export const PARTIAL_STALE_MS = 60 * 60_000;

export function listPartials(dir: string, now = Date.now()): PartialFile[] {
  const out: PartialFile[] = [];
  for (const { file, stat } of filesIn(dir, (name) => name.endsWith('.partial'))) {
    out.push({ file, bytes: stat.size, modifiedAt: stat.mtime.toISOString(), interrupted: now - stat.mtimeMs > PARTIAL_STALE_MS });
  }
  out.sort((a, b) => (a.modifiedAt < b.modifiedAt ? 1 : a.modifiedAt > b.modifiedAt ? -1 : 0));
  return out;
}

export interface PrunePlan {
  /** Backups beyond the retention setting, newest first. */
  backups: ListedBackup[];
  /** Interrupted partial files (always deleted by a prune, whatever the setting). */
  partials: PartialFile[];
  /** How many backups are left afterwards. */
  kept: number;
}

/** What a prune would delete; deletes nothing. */
export function planPrune(dir: string, retention: Retention, now = Date.now()): PrunePlan {
  const list = listBackups(dir);
  const backups = list.filter((b, i) => {
    const tooMany = retention.keep !== undefined && i >= retention.keep;
    const tooOld = retention.maxAgeMs !== undefined && now - Date.parse(b.createdAt) > retention.maxAgeMs;
    return tooMany || tooOld;
  });
  return { backups, partials: listPartials(dir, now).filter((p) => p.interrupted), kept: list.length - backups.length };
}

/** Deletes what the plan names (a backup with its sidecar); returns the deleted files in that order. */
export function executePrune(plan: PrunePlan): string[] {
  const deleted: string[] = [];
  for (const b of plan.backups) {
    fs.rmSync(b.file, { force: true });
    fs.rmSync(sidecarPath(b.file), { force: true });
    deleted.push(b.file);
  }
  for (const p of plan.partials) {
    fs.rmSync(p.file, { force: true });
    deleted.push(p.file);
  }
  return deleted;
}

/** Deletes backups beyond the retention setting, and interrupted partial files; returns the deleted files. */
export function pruneBackups(dir: string, retention: Retention, now = Date.now()): string[] {
  return executePrune(planPrune(dir, retention, now));
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
