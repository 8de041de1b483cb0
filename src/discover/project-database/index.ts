/**
 * Which database a project runs on, from its config files: a knexfile's `client`,
 * TypeORM's `type`, Sequelize's and Drizzle's `dialect` (config or migration journal), Prisma's `provider`, Alembic's
 * `sqlalchemy.url`, Django's `DATABASES` ENGINE; failing those, the database drivers in
 * package.json's `dependencies`. A migration's project is looked for
 * from the migration's folder up to the project root (the first folder holding a
 * package.json, pyproject.toml, manage.py, .git, ...).
 *
 * A project whose every setting names another database (mailtrain: `client: 'mysql'`)
 * is not linted: its SQL would only give parse errors and wrong lock findings. Where
 * anything is unsure (a setting computed at run time, no config found, PostgreSQL
 * among several databases), the project is linted as PostgreSQL, as before.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { MigrationUnit } from '../../ir/unit.js';
import { frontendNameFor } from '../../formats/frontends.js';
import { verdictOf, type Evidence, type Verdict } from './evidence.js';
import type { ConfigReader } from './reader.js';
import { drizzleJournalReader, drizzleReader, knexReader, sequelizeReader, typeormReader } from './js-frameworks.js';
import { prismaReader } from './prisma.js';
import { alembicReader } from './alembic.js';
import { djangoReader } from './django.js';
import { packageJsonReader } from './package-json.js';

const READERS: readonly ConfigReader[] = [knexReader, typeormReader, sequelizeReader, drizzleReader, drizzleJournalReader, prismaReader, alembicReader, djangoReader, packageJsonReader];

/** Files or folders that mark the root of a project: the search goes no higher. */
const ROOT_MARKERS = ['package.json', 'pyproject.toml', 'setup.py', 'setup.cfg', 'manage.py', 'go.mod', 'Cargo.toml', 'Gemfile', 'composer.json', 'pom.xml', '.git'];

/** How many folders above a migration are looked at, when no root marker stops the search first. */
const MAX_LEVELS = 8;

/** A project that is not PostgreSQL, and what says so. */
export interface OtherDatabaseProject {
  /** The config file (relative to cwd) and its setting (`client mysql2`). */
  file: string;
  setting: string;
  /** How many of the run's files belong to it (migrations, and code files beside them that may be none). */
  files: number;
}

/** Reads config files once per run; a folder's evidence and each start folder's verdict are kept. */
export class ProjectDatabases {
  private readonly folderEvidence = new Map<string, Promise<Evidence[]>>();
  private readonly verdicts = new Map<string, Promise<Verdict>>();

  constructor(
    private readonly readText: (file: string) => string | undefined = readOrUndefined,
    /**
     * A folder's entry names: a config file is read only when its name (or first folder)
     * is there. Some 30 names per folder, tried by reading, cost a failed system call and
     * an exception each, in every migration folder (diesel: one per migration).
     */
    private readonly listDir: ((dir: string) => ReadonlySet<string> | undefined) | undefined = readText === readOrUndefined ? listOrUndefined : undefined,
  ) {}

  /** What the config files from `dir` up to the project root say. */
  verdict(dir: string): Promise<Verdict> {
    let v = this.verdicts.get(dir);
    if (!v) this.verdicts.set(dir, (v = this.search(dir)));
    return v;
  }

  private async search(start: string): Promise<Verdict> {
    const evidence: Evidence[] = [];
    let dir = start;
    const seen = new Set<string>();
    for (let level = 0; level <= MAX_LEVELS; level++) {
      // `prisma/schema.prisma` is seen from `prisma/` and from the folder above: once is enough.
      for (const e of await this.evidenceIn(dir)) {
        const key = `${e.file}\0${e.setting}`;
        if (!seen.has(key)) evidence.push(e);
        seen.add(key);
      }
      const parent = path.dirname(dir);
      if (parent === dir || ROOT_MARKERS.some((m) => fs.existsSync(path.join(dir, m)))) break;
      dir = parent;
    }
    return verdictOf(evidence);
  }

  private evidenceIn(dir: string): Promise<Evidence[]> {
    let e = this.folderEvidence.get(dir);
    if (!e) this.folderEvidence.set(dir, (e = this.readFolder(dir)));
    return e;
  }

  private async readFolder(dir: string): Promise<Evidence[]> {
    const out: Evidence[] = [];
    const entries = this.listDir?.(dir);
    for (const reader of READERS) {
      for (const name of reader.files) {
        if (entries && !entries.has(name.split('/')[0])) continue;
        const file = path.join(dir, name);
        const text = this.readText(file);
        if (text !== undefined) out.push(...(await reader.read(file, text, this.readText)));
      }
    }
    return out;
  }
}

function listOrUndefined(dir: string): ReadonlySet<string> | undefined {
  try {
    return new Set(fs.readdirSync(dir));
  } catch {
    return undefined; // unreadable: every name is tried, as before
  }
}

function readOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Splits a run's units into those to lint and the projects set aside because their
 * config says they are not PostgreSQL.
 */
export async function setAsideOtherDatabases(
  units: readonly MigrationUnit[],
  cwd: string,
  projects = new ProjectDatabases(),
): Promise<{ units: MigrationUnit[]; otherDatabases: OtherDatabaseProject[] }> {
  const kept: MigrationUnit[] = [];
  const byFile = new Map<string, OtherDatabaseProject>();
  for (const unit of units) {
    const verdict = await projects.verdict(path.resolve(cwd, path.dirname(unit.path)));
    // Dependencies alone set aside SQL files only: a code file beside them is read as before, and
    // is most often no migration at all (a driver package of an ORM, a desktop app's SQLite store).
    const weakOnly = verdict.kind === 'other' && verdict.evidence.every((e) => e.weak);
    if (verdict.kind !== 'other' || (weakOnly && frontendNameFor(unit.path) !== 'sql')) {
      kept.push(unit);
      continue;
    }
    const first = verdict.evidence[0];
    const file = path.relative(cwd, first.file) || first.file;
    let project = byFile.get(file);
    if (!project) {
      const settings = [...new Set(verdict.evidence.filter((e) => e.file === first.file).map((e) => e.setting))];
      byFile.set(file, (project = { file, setting: settings.join(', '), files: 0 }));
    }
    project.files++;
  }
  return { units: kept, otherDatabases: [...byFile.values()] };
}

/** The one line that says a project was not linted, and how to lint it anyway. */
export function otherDatabaseLine(project: OtherDatabaseProject): string {
  return `${project.file}: ${project.setting}: this project is not PostgreSQL; nothing was linted — set dialect: postgresql to lint it anyway`;
}
