import type { Migration } from '../ir/types.js';
import { execPlan, type ExecMigration } from '../exec/migrations.js';
import { folderOf, migrationId } from '../plan/plan.js';
import { isSqlFormat } from '../formats/index.js';
import { isRepeatable } from './groups.js';

/**
 * What the trial runs, in which order: the plan's migrations (src/plan, the order every
 * command uses), one group per database's history: a folder, or all Django apps together
 * (their migrations depend on each other across apps).
 *
 * - SQL files run as written. Code migrations (Alembic, Django, knex, TypeORM, ...) run
 *   from the SQL migratelint lowers their builder calls to; the calls it could not lower
 *   (RunPython, SQL built at run time) are listed as not tried, and the rest still runs.
 * - Files written for another database (`….mysql.up.sql`) are not in the plan and are
 *   not trialled; a PostgreSQL-specific file stands in for the generic one (the plan's rule).
 * - ory's popx and gobuffalo's pop name a PostgreSQL up `x.postgres.up.sql` and share one
 *   generic down `x.down.sql` between dialects. Discovery pairs `x.postgres.up.sql` with
 *   `x.postgres.down.sql` only, so the trial pairs the generic down itself, as pop does
 *   when a dialect has no down file of its own.
 */

export interface TrialGroup {
  folder: string;
  /** Versioned migrations, in the framework's order. */
  versioned: ExecMigration[];
  /** Flyway repeatable migrations (`R__`), run once after the others. */
  repeatable: ExecMigration[];
  /** Migrations the plan leaves out for a problem (a second migration with the same id), with it. */
  unplanned: { migration: Migration; reason: string }[];
}

export interface TrialOrder {
  groups: TrialGroup[];
}

export function trialOrder(all: readonly Migration[]): TrialOrder {
  const plan = execPlan(all);
  const sharedDowns = genericDowns(all, new Set(plan.otherDatabases));
  const groups = new Map<string, TrialGroup>();
  for (const em of plan.migrations) {
    const m = em.migration;
    const folder = historyOf(m);
    const paired = withGenericDown(em, sharedDowns.get(`${folder}\0${em.id}`));
    const group = groupOf(groups, folder);
    (isRepeatable(m) ? group.repeatable : group.versioned).push(paired);
  }
  const planned = new Set(plan.migrations.map((em) => em.migration));
  const generic = new Set(sharedDowns.values());
  const other = new Set(plan.otherDatabases);
  for (const m of all) {
    if (planned.has(m) || generic.has(m) || other.has(m.path)) continue;
    if (m.up.state === 'missing' && !m.up.file) continue; // a down without its up: the reversibility check names it
    // Left out with a problem (a second migration with the same id), else stood in for by a
    // PostgreSQL-specific file of the same version (`x.postgres.up.sql` over `x.up.sql`).
    const problem = plan.problems.find((p) => p.startsWith(`${m.path}: `));
    if (problem) groupOf(groups, historyOf(m)).unplanned.push({ migration: m, reason: problem.slice(m.path.length + 2) });
  }
  return { groups: [...groups.values()] };
}

/** The database history a migration belongs to: its folder, or one for every Django app. */
function historyOf(m: Migration): string {
  return m.format === 'django' ? 'django apps' : folderOf(m);
}

function groupOf(groups: Map<string, TrialGroup>, folder: string): TrialGroup {
  let group = groups.get(folder);
  if (!group) groups.set(folder, (group = { folder, versioned: [], repeatable: [], unplanned: [] }));
  return group;
}

/** Down files without an up of their own (`x.down.sql` next to `x.postgres.up.sql`), by folder and id. */
function genericDowns(all: readonly Migration[], otherDatabases: ReadonlySet<string>): Map<string, Migration> {
  const out = new Map<string, Migration>();
  for (const m of all) {
    if (m.up.state !== 'missing' || m.up.file || m.down.state === 'missing' || !isSqlFormat(m.format)) continue;
    if (otherDatabases.has(m.path) || (m.down.file && otherDatabases.has(m.down.file))) continue;
    out.set(`${historyOf(m)}\0${migrationId(m)}`, m);
  }
  return out;
}

function withGenericDown(em: ExecMigration, shared: Migration | undefined): ExecMigration {
  const m = em.migration;
  if (!shared || m.down.state !== 'missing') return em;
  const migration: Migration = {
    ...m,
    down: shared.down,
    files: [...m.files, ...shared.files.filter((f) => !m.files.includes(f))],
    sources: new Map([...m.sources, ...shared.sources]),
  };
  return { ...em, migration };
}
