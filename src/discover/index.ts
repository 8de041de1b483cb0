import fs from 'node:fs';
import path from 'node:path';
import type { MigrationFormat } from '../ir/types.js';
import { classifyPath, partnerPath, type PathClass } from './classify.js';
import { UsageError } from '../errors.js';
import type { MigrationUnit } from '../ir/unit.js';
import { SUPPORTED_EXTENSIONS, frontendNameFor } from '../formats/frontends.js';
import { FORMATS } from '../formats/index.js';
import { describeKind, inspectPath } from './file-kind.js';

export interface DiscoverOptions {
  cwd?: string;
  /** File endings to collect when walking directories. */
  extensions?: string[];
  /** Called for each file; return false to leave it out (config include/exclude). */
  filter?: (file: string) => boolean;
}

/**
 * Folders never walked into: dependencies, virtualenvs (which hold Django's own
 * migrations) and build output (compiled copies of TypeScript migrations).
 */
export const SKIPPED_DIRS = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  '.migratelint',
  '__pycache__',
  '.venv',
  'venv',
  '.tox',
  'site-packages',
  '.mypy_cache',
  'dist',
  'build',
]);

/** Expands paths (files, directories, globs) into the list of migration files. */
export async function collectFiles(inputs: string[], options: DiscoverOptions = {}): Promise<string[]> {
  const cwd = options.cwd ?? process.cwd();
  const extensions = options.extensions ?? SUPPORTED_EXTENSIONS;
  const wanted = (f: string) => extensions.some((ext) => f.toLowerCase().endsWith(ext));
  const seen = new Set<string>();
  const out: string[] = [];
  // Walked and named files are absolute and normalised already: under cwd (the usual
  // case) their relative path is a slice, which saves a resolve and a relative per file.
  const absCwd = path.resolve(cwd);
  const under = path.sep === '/' ? (absCwd.endsWith('/') ? absCwd : `${absCwd}/`) : undefined;
  const add = (file: string, normalised = false) => {
    const rel =
      normalised && under && file.startsWith(under) ? file.slice(under.length) : path.relative(cwd, path.resolve(cwd, file)) || file;
    if (seen.has(rel)) return;
    if (options.filter && !options.filter(rel)) return;
    seen.add(rel);
    out.push(rel);
  };

  for (const input of inputs) {
    const abs = path.resolve(cwd, input);
    const found = inspectPath(abs);
    const stat = 'stat' in found ? found.stat : undefined;
    if (stat?.isDirectory()) {
      for (const file of walk(abs)) if (wanted(file)) add(file, true);
    } else if (stat?.isFile()) {
      if (!wanted(abs)) {
        throw new UsageError(`${input}: not a migration file migratelint reads (expected ${extensions.join(', ')})`);
      }
      add(abs, true);
    } else if (stat) {
      // A FIFO or a device would block or never end when read: say what it is instead.
      throw new UsageError(`${input}: ${describeKind(stat)}, not a migration file or folder`);
    } else if (/[*?[{]/.test(input)) {
      const { glob } = await import('tinyglobby');
      const matches = await glob(input, { cwd, ignore: ['**/node_modules/**'], absolute: true });
      if (matches.length === 0) throw new UsageError(`${input}: no files match this pattern`);
      for (const file of matches.sort()) if (wanted(file)) add(file);
    } else {
      throw new UsageError(`${input}: ${'missing' in found ? found.missing : 'no such file or directory'}`);
    }
  }
  return out;
}

function* walk(dir: string): Generator<string> {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) yield* walk(full);
    } else if (entry.isFile()) yield full;
  }
}

/**
 * Groups files into migrations: up/down halves of a pair become one unit, and the
 * partner of a half that was named alone (as pre-commit does) is looked up on disk.
 */
export function groupMigrations(
  files: string[],
  cwd = process.cwd(),
  formatFor?: (file: string) => MigrationFormat | undefined,
): MigrationUnit[] {
  const units = new Map<string, MigrationUnit>();
  const folders = new FolderCache(cwd, files);

  for (const file of files) {
    const cls = classifyWithOverride(file, formatFor?.(file));
    let unit = units.get(cls.key);
    if (!unit) {
      unit = {
        key: cls.key,
        frontend: frontendNameFor(file) ?? 'sql',
        format: cls.format,
        path: file,
        version: cls.version,
        name: cls.name,
        expectsDown: false,
      };
      units.set(cls.key, unit);
    }
    if (cls.role === 'single') continue;
    if (cls.role === 'up') {
      unit.up = file;
      unit.path = file;
    } else {
      unit.down = file;
      if (!unit.up) unit.path = file;
    }
    // Optional down files (Flyway's undo migrations) are expected only where the folder uses them.
    unit.expectsDown = FORMATS[cls.format].down !== 'optional-file' || folders.flyway(path.dirname(file)).hasUndo;
    if (cls.format === 'diesel' && unit.transaction === undefined) unit.transaction = dieselTransaction(path.dirname(file), cwd);
    fillPartner(unit, cls, file, folders);
  }
  return [...units.values()];
}

/**
 * Path detection, unless the config names the format: then a pair format keeps the
 * detected pairing, and any other format makes the file a migration of its own.
 */
function classifyWithOverride(file: string, format: MigrationFormat | undefined): PathClass {
  const cls = classifyPath(file);
  if (!format || format === cls.format) return cls;
  if (cls.role !== 'single' && hasDownFiles(format)) return cls;
  return { ...cls, format, role: 'single', key: file };
}

/** Formats whose down migration is a file of its own, paired with the up by name. */
const hasDownFiles = (format: MigrationFormat) => FORMATS[format].down === 'file' || FORMATS[format].down === 'optional-file';

/** Folder listings and existence checks, each done once per run. */
class FolderCache {
  private readonly given: Set<string>;
  private readonly flywayByDir = new Map<string, { byKey: Map<string, { up?: string; down?: string }>; hasUndo: boolean }>();

  constructor(
    private readonly cwd: string,
    files: readonly string[],
  ) {
    this.given = new Set(files);
  }

  exists(file: string): boolean {
    return this.given.has(file) || fs.existsSync(path.resolve(this.cwd, file));
  }

  /** The Flyway versioned (V) and undo (U) files of a folder, by migration key. */
  flyway(dir: string) {
    let index = this.flywayByDir.get(dir);
    if (!index) {
      index = { byKey: new Map(), hasUndo: false };
      let names: string[] = [];
      try {
        names = fs.readdirSync(path.resolve(this.cwd, dir));
      } catch {
        // an unreadable folder has no partners
      }
      for (const name of names) {
        if (!/^[VU]\d/.test(name)) continue;
        const cls = classifyPath(path.join(dir, name));
        if (cls.format !== 'flyway' || cls.role === 'single') continue;
        const entry = index.byKey.get(cls.key) ?? {};
        entry[cls.role] = path.join(dir, name);
        index.byKey.set(cls.key, entry);
        if (cls.role === 'down') index.hasUndo = true;
      }
      this.flywayByDir.set(dir, index);
    }
    return index;
  }
}

function fillPartner(unit: MigrationUnit, cls: PathClass, file: string, folders: FolderCache): void {
  const other = cls.role === 'up' ? 'down' : 'up';
  if (cls.format === 'flyway') {
    const partner = folders.flyway(path.dirname(file)).byKey.get(cls.key)?.[other];
    if (partner) setHalf(unit, other, partner);
    else if (cls.role === 'up' && unit.expectsDown) unit.expectedDown = path.join(path.dirname(file), `U${cls.version}__${cls.name}.sql`);
    return;
  }
  const partner = partnerPath(file, cls);
  if (partner && folders.exists(partner)) setHalf(unit, other, partner);
  else if (partner && cls.role === 'up') unit.expectedDown = partner;
}

function setHalf(unit: MigrationUnit, role: 'up' | 'down', file: string): void {
  if (role === 'up') {
    unit.up ??= file;
    unit.path = unit.up;
  } else unit.down ??= file;
}

/** Diesel runs a migration outside a transaction when its metadata.toml says `run_in_transaction = false`. */
function dieselTransaction(dir: string, cwd: string): boolean | undefined {
  let toml: string;
  try {
    toml = fs.readFileSync(path.resolve(cwd, dir, 'metadata.toml'), 'utf8');
  } catch {
    return undefined;
  }
  return !/^\s*run_in_transaction\s*=\s*false\b/m.test(toml);
}
