import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Migration } from '../ir/types.js';
import { collectFiles, groupMigrations } from '../discover/index.js';
import { loadFrontend, type Frontend } from '../frontends/registry.js';
import { UsageError } from '../errors.js';

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

export function sha256(data: string | Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
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
export function compareMigrations(a: { version?: string; file: string }, b: { version?: string; file: string }): number {
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

/** Reads the migrations under a directory into the IR without linting them. */
export async function loadMigrations(dir: string, cwd: string): Promise<ExecMigration[]> {
  const files = await collectFiles([dir], { cwd });
  const units = groupMigrations(files, cwd);
  const frontends = new Map<string, Frontend>();
  for (const name of new Set(units.map((u) => u.frontend))) frontends.set(name, await loadFrontend(name));
  const read = (file: string) => fs.readFileSync(path.resolve(cwd, file), 'utf8');
  const migrations: Migration[] = [];
  for (const unit of units) {
    const m = frontends.get(unit.frontend)!.read(unit, read);
    if (m) migrations.push(m);
  }
  return toExecMigrations(migrations);
}
