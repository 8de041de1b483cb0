/**
 * The one migration plan: which migrations a folder holds, under which identity, in
 * which order, as each framework defines them. status, apply, rollback, --dry-run and
 * validate all work from it, so they list the same migrations in the same order.
 *
 * - version formats (golang-migrate, goose, Flyway, TypeORM): by version compared as
 *   numbers part by part (`1.10` after `1.9`); Flyway's repeatable `R__` migrations after
 *   every versioned one, by description;
 * - name formats (dbmate, diesel, Prisma, knex, Sequelize, node-pg-migrate, Kysely,
 *   MikroORM, db-migrate): by file (or folder) name as text, as those tools sort;
 * - Alembic: the revision graph, parents first, from each head;
 * - Django: all apps at once, parents first from each app's leaf (sorted by app and
 *   name), dependencies sorted, as `migrate` builds its plan; a squashed migration
 *   stands in for the ones it replaces.
 */
import path from 'node:path';
import type { Migration, MigrationFormat } from '../ir/types.js';
import { FORMATS } from '../formats/index.js';
import { compareText, compareVersions } from './versions.js';
import { findCycle, heads, parentsFirst } from './graph.js';

export interface PlannedMigration {
  /**
   * The migration's identity: the key its framework records it under, and migratelint's
   * history too. Version formats: the version. Code frameworks that record file names:
   * the file name without its extension. Alembic: the revision. Django: `app.name`.
   */
  id: string;
  migration: Migration;
  format: MigrationFormat;
  /** The main file, relative to the working directory. */
  file: string;
  /** Ids this one must run after (Alembic and Django parents within the plan). */
  after: string[];
  /** Flyway repeatable (`R__`): no version, run again whenever its checksum changes. */
  repeatable: boolean;
}

export interface PlanProblem {
  file: string;
  message: string;
}

export interface MigrationPlan {
  /** In the order the framework applies them. */
  items: PlannedMigration[];
  /**
   * Files written for another database (`….mysql.up.sql`, `….sqlite3.up.sql`, as
   * gobuffalo/pop and ory's popx name them): never run on PostgreSQL.
   */
  otherDatabases: string[];
  /** Squashed-away Django migrations still on disk: they run only through their squash. */
  replaced: { id: string; file: string; by: string }[];
  /** What makes the order unknowable: duplicate ids, cycles, unknown parents, several heads. */
  problems: PlanProblem[];
}

/** A dialect in a SQL file's name that is not PostgreSQL's: `x.mysql.up.sql`, `x.sqlite3.autocommit.up.sql`. */
const OTHER_DATABASE = /\.(mysql|mariadb|sqlite3?|cockroach(?:db)?|mssql|sqlserver|oracle|clickhouse)(\.autocommit)?(\.(up|down))?\.sql$/i;
/** A SQL file written for PostgreSQL in particular, chosen over the generic file with the same version. */
const POSTGRES_ONLY = /\.(postgres|postgresql|pg)(\.autocommit)?(\.(up|down))?\.sql$/i;

/** A code migration's identity when its framework records file names. */
interface MigrationNode {
  m: Migration;
  parents: string[];
}

function fileId(m: Migration): string {
  return path.basename(m.path).replace(/\.[cm]?[jt]s$/i, '');
}

/** The identity of a migration, as its framework records it. */
export function migrationId(m: Migration): string {
  if (m.format === 'alembic' || m.format === 'django') return m.graph?.id ?? fileId(m);
  if (FORMATS[m.format].frontend === 'typescript') return fileId(m);
  return m.version ?? m.name ?? m.path;
}

/**
 * The folder a migration belongs to: a diesel or prisma migration is a folder of its
 * own inside the migrations folder; every other format keeps its files side by side.
 */
export function folderOf(m: Migration): string {
  const dir = path.dirname(m.path);
  if (m.format === 'diesel' || m.format === 'prisma') return path.dirname(dir) || '.';
  return dir || '.';
}

/** The name a name-ordered tool sorts by: the migration's folder for diesel and prisma, else its file. */
function sortName(m: Migration): string {
  return m.format === 'diesel' || m.format === 'prisma' ? path.basename(path.dirname(m.path)) : path.basename(m.path);
}

const isRepeatable = (m: Migration) => m.format === 'flyway' && m.version === undefined;

function planned(m: Migration, after: string[] = []): PlannedMigration {
  return { id: migrationId(m), migration: m, format: m.format, file: m.path, after, repeatable: isRepeatable(m) };
}

function byVersion(a: Migration, b: Migration): number {
  if (a.version !== undefined && b.version !== undefined) return compareVersions(a.version, b.version) || compareText(a.path, b.path);
  if (a.version !== undefined || b.version !== undefined) return a.version !== undefined ? -1 : 1;
  return compareText(sortName(a), sortName(b)) || compareText(a.path, b.path);
}

const byName = (a: Migration, b: Migration) => compareText(sortName(a), sortName(b)) || compareText(a.path, b.path);

function linearGroup(list: Migration[]): PlannedMigration[] {
  const order = FORMATS[list[0].format].order;
  return [...list].sort(order === 'version' ? byVersion : byName).map((m) => planned(m));
}

function alembicGroup(list: Migration[], problems: PlanProblem[]): PlannedMigration[] {
  const nodes = new Map<string, MigrationNode>();
  for (const m of [...list].sort((a, b) => compareText(a.path, b.path))) {
    if (!m.graph) {
      problems.push({ file: m.path, message: `${path.basename(m.path)} has no revision id migratelint can read (revision = '...')` });
      continue;
    }
    const other = nodes.get(m.graph.id);
    if (other) {
      problems.push({ file: m.path, message: `revision ${m.graph.id} is declared by two files: ${other.m.path} and ${m.path}` });
      continue;
    }
    nodes.set(m.graph.id, { m, parents: [...m.graph.parents] });
  }
  // depends_on names revisions or branch labels: each is one more parent for ordering.
  const byLabel = new Map<string, string>();
  for (const [id, n] of nodes) for (const l of n.m.graph?.labels ?? []) byLabel.set(l, id);
  const ordered = new Map<string, MigrationNode>();
  for (const [id, n] of nodes) {
    const extra = (n.m.graph?.dependsOn ?? []).map((d) => (nodes.has(d) ? d : byLabel.get(d))).filter((d): d is string => !!d);
    ordered.set(id, { m: n.m, parents: [...n.parents, ...extra] });
    for (const p of n.parents) {
      if (!nodes.has(p)) problems.push({ file: n.m.path, message: `down_revision ${p} of ${id} is not a revision in ${folderOf(n.m)}` });
    }
  }
  return graphOrder(ordered, [...heads(nodes)].sort((a, b) => compareText(nodes.get(a)!.m.path, nodes.get(b)!.m.path)), problems, (p) => p, (heads) => {
    const labelled = heads.length > 1 && heads.every((h) => nodes.get(h)!.m.graph?.labels?.length);
    if (heads.length > 1 && !labelled) {
      problems.push({
        file: nodes.get(heads[heads.length - 1])!.m.path,
        message: `${folderOf(nodes.get(heads[0])!.m)} has ${heads.length} heads (${heads.join(', ')}): Alembic cannot tell which to upgrade to until they are merged (alembic merge)`,
      });
    }
  });
}

function djangoGroup(list: Migration[], problems: PlanProblem[], replaced: MigrationPlan['replaced']): PlannedMigration[] {
  const nodes = new Map<string, MigrationNode>();
  for (const m of list) if (m.graph) nodes.set(m.graph.id, { m, parents: [...m.graph.parents] });
  const appOf = (id: string) => id.slice(0, id.indexOf('.'));
  const apps = new Set([...nodes.keys()].map(appOf));
  const replacedBy = new Map<string, string>();
  for (const [id, n] of nodes) for (const r of n.m.graph?.replaces ?? []) replacedBy.set(r, id);
  const resolve = (dep: string): string | undefined | null => {
    const app = appOf(dep);
    const name = dep.slice(app.length + 1);
    if (!apps.has(app)) return null; // another app (django.contrib, a package): applied by Django, not in this plan
    if (name === '__first__' || name === '__latest__') {
      const own = [...nodes.keys()].filter((id) => appOf(id) === app && !replacedBy.has(id)).sort(compareText);
      return name === '__first__' ? own[0] : own[own.length - 1];
    }
    return replacedBy.get(dep) ?? (nodes.has(dep) ? dep : undefined);
  };
  for (const [id, n] of nodes) {
    const parents: string[] = [];
    for (const dep of n.parents) {
      const r = resolve(dep);
      if (r === null) continue;
      if (r === undefined) problems.push({ file: n.m.path, message: `${id} depends on ${dep}, which is not a migration of app ${appOf(dep)}` });
      else if (r !== id) parents.push(r);
    }
    n.parents = [...new Set(parents)];
  }
  // run_before: this migration becomes a dependency of the one it names.
  for (const [id, n] of nodes) {
    for (const before of n.m.graph?.runBefore ?? []) {
      const target = resolve(before);
      if (target) nodes.get(target)!.parents.push(id);
    }
  }
  for (const [old, squash] of replacedBy) {
    const n = nodes.get(old);
    if (!n) continue;
    replaced.push({ id: old, file: n.m.path, by: squash });
    nodes.delete(old);
  }
  const leaves = heads(nodes).sort(compareText);
  return graphOrder(nodes, leaves, problems, (p) => [...p].sort(compareText), (leaves) => {
    for (const app of apps) {
      const own = leaves.filter((l) => appOf(l) === app);
      if (own.length > 1) {
        problems.push({
          file: nodes.get(own[own.length - 1])!.m.path,
          message: `app ${app} has ${own.length} leaf migrations (${own.join(', ')}): Django refuses to migrate until they are merged (makemigrations --merge)`,
        });
      }
    }
  });
}

function graphOrder(
  nodes: Map<string, MigrationNode>,
  targets: string[],
  problems: PlanProblem[],
  parentOrder: (p: readonly string[]) => readonly string[],
  checkHeads: (heads: string[]) => void,
): PlannedMigration[] {
  const cycle = findCycle(nodes);
  if (cycle) {
    problems.push({ file: nodes.get(cycle[0])!.m.path, message: `migrations depend on each other in a cycle: ${cycle.join(' -> ')}` });
    return [...nodes.values()].sort((a, b) => compareText(a.m.path, b.m.path)).map((n) => planned(n.m, [...n.parents]));
  }
  checkHeads(targets);
  return parentsFirst(nodes, targets, parentOrder).map((id) => {
    const n = nodes.get(id)!;
    return planned(n.m, n.parents.filter((p) => nodes.has(p)));
  });
}

/**
 * Plans the migrations of a run. Each folder (and format) is ordered by its own
 * framework; Django's apps form one plan across folders. Folders follow one another in
 * path order.
 */
export function buildPlan(migrations: readonly Migration[]): MigrationPlan {
  const problems: PlanProblem[] = [];
  const replaced: MigrationPlan['replaced'] = [];
  const otherDatabases: string[] = [];
  const groups = new Map<string, Migration[]>();
  for (const m of migrations) {
    if (FORMATS[m.format].frontend === 'sql' && OTHER_DATABASE.test(m.path)) {
      otherDatabases.push(m.path);
      continue;
    }
    const key = m.format === 'django' ? '\u0000django' : `${folderOf(m)}\u0000${m.format}`;
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(m);
  }
  const items: PlannedMigration[] = [];
  for (const key of [...groups.keys()].sort(compareText)) {
    const list = groups.get(key)!;
    const order = FORMATS[list[0].format].order;
    const group =
      list[0].format === 'django' ? djangoGroup(list, problems, replaced) : order === 'graph' ? alembicGroup(list, problems) : linearGroup(list);
    const seen = new Map<string, PlannedMigration>();
    const kept: PlannedMigration[] = [];
    for (const p of group) {
      const other = seen.get(p.id);
      if (other) {
        // A PostgreSQL-specific file stands in for the generic one of the same version (pop's rule).
        const pgOnly = [other, p].filter((x) => POSTGRES_ONLY.test(x.file));
        if (pgOnly.length === 1) {
          kept[kept.indexOf(other)] = pgOnly[0];
          seen.set(p.id, pgOnly[0]);
          continue;
        }
        problems.push({ file: p.file, message: `two migrations have the id ${p.id}: ${other.file} and ${p.file}` });
        continue;
      }
      seen.set(p.id, p);
      kept.push(p);
    }
    items.push(...kept);
  }
  return { items, otherDatabases, replaced, problems };
}
