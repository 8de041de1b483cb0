import type { Migration, Section, Statement } from '../ir/types.js';
import type { ExecMigration } from '../exec/migrations.js';
import { findNodes } from '../pg/ast.js';

/**
 * Statements of code migrations whose values come when the migration runs: SQLAlchemy's
 * `text("... :name")` with bind parameters, `op.execute(sql, params)`, a knex.raw with `?`
 * bindings, lowered to `$1`, `$2`; a template literal's `'${value}'` (SqlChunk.runTimeValues).
 * PostgreSQL cannot run them without the values, so the trial leaves them out (listed as
 * not tried, at their line) and runs the rest.
 */

export interface LeftOut {
  part: 'up' | 'down';
  statement: Statement;
}

function needsValues(s: Statement): boolean {
  if (s.chunk.origin === 'sql' || s.node === undefined) return false;
  if (s.chunk.runTimeValues?.some((v) => v.start < s.end && v.end > s.start)) return true;
  if (findNodes(s.node, 'ParamRef').length > 0) return true;
  // A value the code computes (`defaultValue: process.env.X`, `${id}` outside quotes; a
  // Django queryset's filter, `"{app_label='auth', model='user'}"`) is lowered to a
  // placeholder name: as a column it names nothing.
  return findNodes(s.node, 'ColumnRef').some((c) => (c.fields ?? []).some((f: { String?: { sval?: string } }) => isPlaceholder(f.String?.sval)));
}

/** The placeholder names code frontends print for values the code computes (see strings.ts, print.ts). */
function isPlaceholder(name: string | undefined): boolean {
  return !!name && (name.startsWith('${') || (name.startsWith('{') && name.endsWith('}')));
}

function without(section: Section, part: 'up' | 'down', out: LeftOut[]): Section {
  const kept = section.statements.filter((s) => {
    if (!needsValues(s)) return true;
    out.push({ part, statement: s });
    return false;
  });
  return kept.length === section.statements.length ? section : { ...section, statements: kept };
}

/** The migration without the statements that need run-time values, and those statements. */
export function withoutRunTimeValues(em: ExecMigration): { em: ExecMigration; leftOut: LeftOut[] } {
  const leftOut: LeftOut[] = [];
  const m = em.migration;
  const up = without(m.up, 'up', leftOut);
  const down = without(m.down, 'down', leftOut);
  if (!leftOut.length) return { em, leftOut };
  const migration: Migration = { ...m, up, down };
  return { em: { ...em, migration }, leftOut };
}
