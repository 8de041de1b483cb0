import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { searchPlaceProblem } from './config-file.js';

/**
 * Files and folders that mark a project's root. The config search stops at the nearest
 * folder, going up from the working directory, that holds one of them: the git top level
 * (`.git`, a folder or, in a worktree or submodule, a file) or the folder of the first
 * package manifest.
 */
export const PROJECT_MARKERS = ['.git', 'package.json', 'package.yaml', 'pyproject.toml', 'go.mod', 'Cargo.toml', 'setup.py', 'Gemfile'] as const;

/** Where the config files are looked for in each folder, in this order. */
export const SEARCH_PLACES = [
  'package.json',
  '.migratelintrc',
  '.migratelintrc.json',
  '.migratelintrc.yaml',
  '.migratelintrc.yml',
  '.migratelintrc.js',
  '.migratelintrc.cjs',
  '.migratelintrc.mjs',
  'migratelint.config.js',
  'migratelint.config.cjs',
  'migratelint.config.mjs',
  'migratelint.config.ts',
];

/** Where a config search ran: from `from` up to `root`, both absolute. */
export interface ConfigSearch {
  from: string;
  /** The project root, the last folder searched. */
  root: string;
  /** The marker found in `root`; undefined when no folder up to `/` holds one, and then `root` is `from`. */
  marker?: (typeof PROJECT_MARKERS)[number];
}

/**
 * The project root for a run from `cwd`: the nearest folder, `cwd` included, that holds one
 * of PROJECT_MARKERS. Without any marker up to the file system's root, it is `cwd` itself:
 * a folder outside any project trusts nothing above it.
 */
export function findProjectRoot(cwd: string): ConfigSearch {
  const from = path.resolve(cwd);
  for (let dir = from; ; ) {
    const marker = PROJECT_MARKERS.find((m) => fs.existsSync(path.join(dir, m)));
    if (marker) return { from, root: dir, marker };
    const parent = path.dirname(dir);
    if (parent === dir) return { from, root: from };
    dir = parent;
  }
}

/** The nearest folder from `dir` up holding `.git`, if any. */
export function findGitTop(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; ) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    const parent = path.dirname(d);
    if (parent === d) return undefined;
    d = parent;
  }
}

/** Whether `file` is `dir` or lies below it (lexically, as the paths are written). */
export function isInside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..' + path.sep) && rel !== '..' && !path.isAbsolute(rel));
}

/** Whether a search place holds a file to read; something else under a config's name is an error naming what it is. */
function isConfigFile(file: string, search: ConfigSearch): boolean {
  const problem = searchPlaceProblem(file);
  if (problem) throw new UsageError(`${path.relative(search.from, file) || file}: ${problem}`);
  return fs.existsSync(file);
}

/**
 * The files that may hold the config, nearest first, from `search.from` up to `search.root`
 * and never above it. A package.json is one only when it has a "migratelint" key, or when it
 * is not JSON (so the error is reported rather than taken for no config). Only existence is
 * checked here, nothing is loaded: when this yields nothing, no config loader is needed.
 */
export function* configCandidates(search: ConfigSearch): Generator<string> {
  for (let dir = search.from; ; dir = path.dirname(dir)) {
    for (const place of SEARCH_PLACES) {
      const file = path.join(dir, place);
      if (!isConfigFile(file, search)) continue;
      if (place === 'package.json') {
        let data: unknown;
        try {
          data = JSON.parse(fs.readFileSync(file, 'utf8'));
        } catch {
          yield file;
          continue;
        }
        if (typeof data === 'object' && data !== null && !Array.isArray(data) && !('migratelint' in data)) continue;
      }
      yield file;
    }
    if (dir === search.root || path.dirname(dir) === dir) return;
  }
}

/**
 * One line saying where the config came from, for `print-config`: the file (relative to
 * `cwd`) and how far the search went, or that none was found and where the search stopped.
 */
export function describeConfigSource(cwd: string, file: string | undefined, givenWithConfig: boolean): string {
  if (givenWithConfig) return file ? `${file}, given with --config` : 'given with --config (holds no config)';
  const search = findProjectRoot(cwd);
  const rel = (p: string) => path.relative(search.from, p) || '.';
  const extent = search.marker
    ? `searching from . up to the project root ${rel(search.root)}, which holds ${search.marker}`
    : `searching . only, as neither it nor any folder above it holds any of ${PROJECT_MARKERS.join(', ')}`;
  return file ? `${file}, found ${extent}` : `no config file found ${extent}`;
}
