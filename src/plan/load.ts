/**
 * The one loader every command uses: which files are migrations, grouped into units,
 * with the config's include/exclude and formats honoured, then read into the IR. lint
 * reads the units itself (cache, worker threads); status, rollback and apply read them
 * here, so a folder holds the same migrations whichever command looks at it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Migration } from '../ir/types.js';
import type { MigrationUnit } from '../ir/unit.js';
import { collectFiles, groupMigrations } from '../discover/index.js';
import { loadFrontend, type Frontend } from '../frontends/registry.js';
import type { ResolvedConfig } from '../config/load.js';
import { formatMatcher, pathMatcher } from '../config/paths.js';

export interface LoadOptions {
  cwd: string;
  /** The project's config: its include/exclude choose files, its formats override detection. */
  config?: ResolvedConfig;
  /** Only these files (relative to cwd), e.g. the ones changed since a git ref. */
  only?: ReadonlySet<string>;
}

/** Files, folders or globs → the migration units under them, as the config selects them. */
export async function discoverUnits(paths: string[], options: LoadOptions): Promise<MigrationUnit[]> {
  const { cwd, config, only } = options;
  const selected = config ? pathMatcher(config, cwd) : undefined;
  const filter = (file: string) => (!selected || selected(file)) && (!only || only.has(file));
  const files = await collectFiles(paths, { cwd, filter });
  return groupMigrations(files, cwd, config ? formatMatcher(config, cwd) : undefined);
}

/** Reads units into the IR without linting them; a unit that is no migration (a helper module) is left out. */
export async function readUnits(units: readonly MigrationUnit[], cwd: string): Promise<Migration[]> {
  const frontends = new Map<string, Frontend>();
  for (const name of new Set(units.map((u) => u.frontend))) frontends.set(name, await loadFrontend(name));
  const read = (file: string) => fs.readFileSync(path.resolve(cwd, file), 'utf8');
  const migrations: Migration[] = [];
  for (const unit of units) {
    const m = frontends.get(unit.frontend)!.read(unit, read);
    if (m) migrations.push(m);
  }
  return migrations;
}

/** Discovers and reads: the migrations under `paths` as every command sees them. */
export async function loadMigrations(paths: string[], options: LoadOptions): Promise<Migration[]> {
  return readUnits(await discoverUnits(paths, options), options.cwd);
}
