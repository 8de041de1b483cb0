/**
 * A lint or validate that read no migration is not a pass: a folder named on the command
 * line (or by the config's include) that holds no migration file is a usage error saying
 * what was looked for, and what was found instead when it is a format migratelint does not
 * read (an Ecto priv/repo/migrations folder).
 */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { SUPPORTED_EXTENSIONS } from '../formats/frontends.js';
import { holdsMigrationFiles } from '../discover/holds-files.js';
import { inspectPath } from '../discover/file-kind.js';
import type { ResolvedConfig } from '../config/load.js';
import { unsupportedFormatsIn } from './unsupported-formats.js';

const LOOKED_FOR = `looked for ${SUPPORTED_EXTENSIONS.map((e) => `*${e}`).join(', ')} files, outside node_modules, dist, build and virtualenvs`;

const isGlob = (p: string) => /[*?[{]/.test(p);

// A path that cannot be looked at (a link loop) is neither: discovery names what it is.
function isDirectory(abs: string): boolean {
  const found = inspectPath(abs);
  return 'stat' in found && found.stat.isDirectory();
}

function isFile(abs: string): boolean {
  const found = inspectPath(abs);
  return 'stat' in found && found.stat.isFile();
}

/** "<where>: no migration files (looked for …)", naming the unsupported formats found there. */
function noMigrationFiles(where: string, dir: string, cwd: string): string {
  const unsupported = unsupportedFormatsIn(dir, cwd);
  const instead = unsupported.length ? `; found ${unsupported.join('; ')} — migratelint does not read these` : '';
  return `${where}: no migration files (${LOOKED_FOR})${instead}`;
}

/** Every folder named on the command line holds a file migratelint reads (files, globs and missing paths are discovery's to judge). */
export function requireMigrationFiles(paths: readonly string[], cwd: string): void {
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    if (isDirectory(abs) && !holdsMigrationFiles(abs)) throw new UsageError(noMigrationFiles(p, abs, cwd));
  }
}

/** Every plain path in the config's include exists and holds a migration file (globs are judged by the run's total). */
export function requireIncludedFiles(config: ResolvedConfig, cwd: string): void {
  const label = config.file ?? 'the config';
  for (const entry of config.include ?? []) {
    if (isGlob(entry)) continue;
    const abs = path.resolve(config.dir, entry);
    const shown = `${label}: include "${entry}"`;
    if (!fs.existsSync(abs)) throw new UsageError(`${shown}: no such file or folder${unsupportedHint(config.dir, cwd)}`);
    if (isDirectory(abs) && !holdsMigrationFiles(abs)) throw new UsageError(noMigrationFiles(shown, abs, cwd));
  }
}

/** Unsupported formats anywhere in the project, for an include that names nothing. */
function unsupportedHint(dir: string, cwd: string): string {
  const unsupported = unsupportedFormatsIn(dir, cwd);
  return unsupported.length ? `; found ${unsupported.join('; ')} — migratelint does not read these` : '';
}

/**
 * After the run: none of what was named held a migration. Files named one by one are
 * exempt: pre-commit passes whatever matches its pattern (a Django `__init__.py`), and a
 * file that is not a migration is no mistake of the caller's.
 */
export function requireSomeMigrations(migrations: number, positionals: readonly string[], config: ResolvedConfig, cwd: string): void {
  if (migrations > 0) return;
  if (positionals.some((p) => isFile(path.resolve(cwd, p)))) return;
  const filters = config.include?.length || config.exclude?.length ? ` or the config's include/exclude (${config.file ?? 'config'}) leaves them out` : '';
  if (positionals.length) {
    throw new UsageError(`${positionals.join(', ')}: no migrations: the files there are not migrations (helper modules, models, ...)${filters}`);
  }
  throw new UsageError(`no migration files match the config's include (${(config.include ?? []).join(', ')}) in ${config.file ?? 'the config'} (${LOOKED_FOR})`);
}
