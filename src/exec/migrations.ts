import fs from 'node:fs';
import path from 'node:path';
import type { Migration } from '../ir/types.js';
import { loadConfig } from '../config/load.js';
import { loadMigrations } from '../plan/load.js';
import { UsageError } from '../errors.js';
import { sha256 as sha256Hash } from '../sha256.js';

/** A migration as the executor sees it: the IR plus its identity in the history table. */
export interface ExecMigration {
  /** The key in the history table: the version, else the name, else the path. */
  id: string;
  version?: string;
  name?: string;
  /** The main (up) file, relative to the working directory. */
  file: string;
  /** sha256 of the main file's text. */
  checksum: string;
  migration: Migration;
}

/** Hex SHA-256: the checksum of a migration file in the history table, of a plan and of a backup file. */
export function sha256(data: string | Buffer): string {
  return sha256Hash().update(data).digest('hex');
}

/** Where migrations live when no directory is named. */
export function resolveMigrationsDir(given: string | undefined, cwd: string): string {
  if (given !== undefined) {
    if (!fs.existsSync(path.resolve(cwd, given))) throw new UsageError(`${given}: no such file or directory`);
    return given;
  }
  for (const candidate of ['migrations', 'db/migrations']) {
    if (fs.existsSync(path.resolve(cwd, candidate))) return candidate;
  }
  throw new UsageError('no migrations directory found (pass one, e.g.: migratelint apply db/migrations)');
}

/**
 * Compares versions numerically where they are numbers: `2` < `10`, `1.9` < `1.10`,
 * `20240101_1` < `20240101_2`. Parts are split on `.`, `_` and `-`.
 */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[._-]/);
  const pb = b.split(/[._-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) {
      const bx = BigInt(x);
      const by = BigInt(y);
      if (bx !== by) return bx < by ? -1 : 1;
    } else if (x !== y) {
      if (nx !== ny) return nx ? -1 : 1;
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

/** Order of application: by version (numeric-aware), then by path. */
function compareMigrations(a: { version?: string; file: string }, b: { version?: string; file: string }): number {
  if (a.version !== undefined && b.version !== undefined) {
    const c = compareVersions(a.version, b.version);
    if (c !== 0) return c;
  } else if (a.version !== undefined || b.version !== undefined) {
    return a.version !== undefined ? -1 : 1;
  }
  return a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
}

/** Compares history ids the same way (ids are versions when the files have one). */
export function compareIds(a: string, b: string): number {
  return compareVersions(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

export function toExecMigrations(migrations: Migration[]): ExecMigration[] {
  const out: ExecMigration[] = [];
  for (const m of migrations) {
    if (m.up.state === 'missing' && m.down.state !== 'missing' && !m.up.file) continue;
    const text = m.sources.get(m.path) ?? m.sources.get(m.up.file ?? '') ?? '';
    out.push({
      id: m.version ?? m.name ?? m.path,
      version: m.version,
      name: m.name,
      file: m.path,
      checksum: sha256(text),
      migration: m,
    });
  }
  out.sort(compareMigrations);
  const seen = new Map<string, ExecMigration>();
  for (const m of out) {
    const other = seen.get(m.id);
    if (other) throw new UsageError(`two migrations have version ${m.id}: ${other.file} and ${m.file}`);
    seen.set(m.id, m);
  }
  return out;
}

/**
 * Reads the migrations under a directory into the IR without linting them, through the
 * loader lint uses, with the project's config (include/exclude, formats).
 */
export async function loadExecMigrations(dir: string, cwd: string): Promise<ExecMigration[]> {
  const config = await loadConfig({ cwd });
  return toExecMigrations(await loadMigrations([dir], { cwd, config }));
}
