/**
 * The order in which a lint run replays migrations into the schema model: the plan's
 * order (`buildPlan`, what apply and validate run), so each migration is linted against
 * the schema the ones before it leave.
 */
import type { Migration } from '../ir/types.js';
import type { MigrationUnit } from '../ir/unit.js';
import { FORMATS } from '../formats/index.js';
import { buildPlan } from '../plan/plan.js';

export interface ReplayOrder {
  /** In the plan's order: each feeds the model of the ones after it. */
  planned: MigrationUnit[];
  /** Not in the plan (written for another database, squashed away, a duplicate id, no readable revision): linted alone. */
  outside: MigrationUnit[];
}

/**
 * Whether a unit's place in the plan is known only once it is read: Alembic revisions and
 * Django dependencies (a Python file's format is known only then, too).
 */
export function placedByGraph(unit: MigrationUnit): boolean {
  return unit.frontend === 'python' || FORMATS[unit.format].order === 'graph';
}

/** What the plan needs of a migration whose order its unit already tells: path, format, version, name. */
function unitStub(unit: MigrationUnit): Migration {
  const section = { state: 'missing' as const, statements: [] };
  return {
    path: unit.path,
    files: [],
    format: unit.format,
    ...(unit.version !== undefined ? { version: unit.version } : {}),
    ...(unit.name !== undefined ? { name: unit.name } : {}),
    up: section,
    down: { ...section },
    expectsDown: unit.expectsDown,
    comments: [],
    problems: [],
    sources: new Map(),
  };
}

/**
 * Orders units as the plan does. `graphOf` gives a graph-placed unit as read (for its
 * revision or dependencies); undefined when it is not a migration.
 */
export function replayOrder(units: readonly MigrationUnit[], graphOf: (unit: MigrationUnit) => Migration | undefined): ReplayOrder {
  const byPath = new Map<string, MigrationUnit>();
  const migrations: Migration[] = [];
  const outside: MigrationUnit[] = [];
  for (const unit of units) {
    const m = placedByGraph(unit) ? graphOf(unit) : unitStub(unit);
    if (!m) {
      outside.push(unit);
      continue;
    }
    byPath.set(m.path, unit);
    migrations.push(m);
  }
  const planned: MigrationUnit[] = [];
  for (const item of buildPlan(migrations).items) {
    const unit = byPath.get(item.file);
    if (!unit) continue;
    planned.push(unit);
    byPath.delete(item.file);
  }
  outside.push(...byPath.values());
  return { planned, outside };
}
