/**
 * Which project an open file belongs to: the folder `migratelint lint` would be run from.
 * That is the nearest folder holding a migratelint config, from the file's folder up to
 * the editor's workspace folder (a monorepo's package with its own config); without one,
 * the workspace folder, or outside any, the project root the CLI would find.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SEARCH_PLACES, findProjectRoot, isInside } from '../config/search.js';
import { Project, type OpenFiles } from './project.js';

/** Config file names, for the file watcher: a change to any of them reloads the projects. */
export const CONFIG_GLOBS = ['**/.migratelintrc*', '**/migratelint.config.*', '**/package.json'];

/** Whether a changed file may be a config (what CONFIG_GLOBS match). */
export function isConfigFile(file: string): boolean {
  const base = path.basename(file);
  return base === 'package.json' || base.startsWith('.migratelintrc') || base.startsWith('migratelint.config.');
}

function holdsConfig(dir: string): boolean {
  for (const name of SEARCH_PLACES) {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) continue;
    if (name !== 'package.json') return true;
    try {
      if ((JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>)?.migratelint !== undefined) return true;
    } catch {
      // a package.json that does not parse is no config of ours
    }
  }
  return false;
}

export class Projects {
  private readonly byRoot = new Map<string, Project>();
  private readonly rootOfDir = new Map<string, string>();

  constructor(
    private readonly open: OpenFiles,
    private readonly workspaceFolders: readonly string[],
    /** Whether the editor reports changes to migration files on disk (see Project). */
    private readonly watched = false,
  ) {}

  forFile(file: string): Project {
    const root = this.rootFor(path.dirname(file));
    let project = this.byRoot.get(root);
    if (!project) this.byRoot.set(root, (project = new Project(root, this.open, this.watched)));
    return project;
  }

  /** A config file changed: configs may have come or gone, and every project reads its own again. */
  configChanged(): void {
    this.rootOfDir.clear();
    for (const p of this.byRoot.values()) p.reload();
  }

  /** Migration files changed on disk, came or went. */
  filesChanged(): void {
    for (const p of this.byRoot.values()) p.filesChanged();
  }

  private rootFor(dir: string): string {
    let root = this.rootOfDir.get(dir);
    if (root === undefined) this.rootOfDir.set(dir, (root = this.findRoot(dir)));
    return root;
  }

  private findRoot(dir: string): string {
    const workspace = this.workspaceFolders.filter((w) => isInside(w, dir)).sort((a, b) => b.length - a.length)[0];
    const top = workspace ?? findProjectRoot(dir).root;
    for (let d = dir; ; d = path.dirname(d)) {
      if (holdsConfig(d)) return d;
      if (d === top || path.dirname(d) === d || !isInside(top, d)) break;
    }
    return top;
  }
}
