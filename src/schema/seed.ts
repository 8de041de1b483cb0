/**
 * Seeding the schema model with what existed before the oldest migration replayed: a
 * framework's dump of the schema (Rails' `db/schema.rb` or `db/structure.sql`) when old
 * migrations were deleted or squashed away.
 *
 * A dump shows the schema AFTER every migration, those of the change being linted too
 * (Rails dumps it right after migrating, so a pull request that adds a migration also
 * updates the dump). Seeding all of it before the first migration would make a table
 * that a new migration creates look as if it had always been there. So only what no
 * migration of the run creates or changes is seeded: a table no migration creates (nor
 * renames to), with the columns no migration adds, retypes, renames to or changes the
 * nullability or default of (their state before those migrations is unknown: the dump
 * only shows their end state), and the indexes, constraints and types no migration
 * creates. What is left out stays unknown, as it was without a dump.
 */
import type { ColumnSpec, SchemaEvent, StatementEvents } from './events.js';

/** What the migrations of a run create or change, by name: what a dump must not claim existed before them. */
export class MigrationMade {
  private readonly relations = new Set<string>();
  private readonly columns = new Set<string>();
  private readonly indexes = new Set<string>();
  private readonly constraints = new Set<string>();
  private readonly types = new Set<string>();

  /** Notes the events of one migration's up section. */
  add(events: readonly StatementEvents[]): void {
    for (const { events: list } of events) for (const e of list) this.note(e);
  }

  private note(e: SchemaEvent): void {
    const col = (table: string, column: string) => this.columns.add(`${table}\0${column}`);
    switch (e.kind) {
      case 'create-relation':
        this.relations.add(e.relation);
        return;
      case 'rename-relation':
        this.relations.add(e.to);
        return;
      case 'add-column':
        col(e.table, e.column.name);
        return;
      case 'rename-column':
        col(e.table, e.to);
        return;
      case 'column-type':
      case 'column-default':
      case 'column-not-null':
        col(e.table, e.column);
        return;
      case 'add-constraint':
        if (e.constraint.name) this.constraints.add(`${e.table}\0${e.constraint.name}`);
        return;
      case 'rename-constraint':
        this.constraints.add(`${e.table}\0${e.to}`);
        return;
      case 'create-index':
        this.indexes.add(e.index);
        return;
      case 'rename-index':
        this.indexes.add(e.to);
        return;
      case 'create-type':
        this.types.add(e.name);
        return;
      default:
        return;
    }
  }

  relation(name: string): boolean {
    return this.relations.has(name);
  }

  column(table: string, name: string): boolean {
    return this.columns.has(`${table}\0${name}`);
  }

  constraint(table: string, name: string | undefined): boolean {
    return name !== undefined && this.constraints.has(`${table}\0${name}`);
  }

  index(name: string): boolean {
    return this.indexes.has(name);
  }

  type(name: string): boolean {
    return this.types.has(name);
  }
}

/**
 * The events of a dump's statements that say what existed before the migrations: see
 * the module comment. Statements that only change what the dump created itself keep
 * the same filter (an `ALTER TABLE ONLY ... ADD CONSTRAINT` of structure.sql).
 */
export function seedEvents(dump: readonly StatementEvents[], made: MigrationMade): StatementEvents[] {
  const out: StatementEvents[] = [];
  for (const { line, events } of dump) {
    const kept = events.flatMap((e) => keep(e, made));
    if (kept.length) out.push({ line, events: kept });
  }
  return out;
}

function keep(e: SchemaEvent, made: MigrationMade): SchemaEvent[] {
  switch (e.kind) {
    case 'create-relation': {
      if (made.relation(e.relation)) return [];
      const columns: ColumnSpec[] = e.columns.filter((c) => !made.column(e.relation, c.name));
      // A constraint no migration adds was there before, whatever migrations did to its column since.
      const constraints = e.constraints.filter((c) => !made.constraint(e.relation, c.name));
      // A column left out is unknown, not absent: the table's column list is then incomplete.
      const complete = e.complete && columns.length === e.columns.length;
      return [{ ...e, columns, constraints, complete }];
    }
    case 'add-column':
    case 'column-type':
    case 'column-default':
    case 'column-not-null': {
      const column = e.kind === 'add-column' ? e.column.name : e.column;
      return made.relation(e.table) || made.column(e.table, column) ? [] : [e];
    }
    case 'add-constraint':
    case 'validate-constraint':
      return made.relation(e.table) || made.constraint(e.table, e.kind === 'add-constraint' ? e.constraint.name : e.name) ? [] : [e];
    case 'create-index':
      return made.relation(e.table) || made.index(e.index) ? [] : [e];
    case 'create-type':
      return made.type(e.name) ? [] : [e];
    case 'declare-function':
      return [e];
    default:
      // Drops and renames belong to the dump's own bookkeeping (`force: :cascade`), not to what existed.
      return [];
  }
}
