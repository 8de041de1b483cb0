import { defineRule, isNullConstant, nameParts, nodeBody, qualifiedName, tableAlterCommands, tableRef } from './kit/index.js';

const SERIAL_TYPES = new Set(['serial', 'serial2', 'serial4', 'serial8', 'smallserial', 'bigserial']);

/**
 * The kinds of constraint on a column. `DEFAULT NULL` (also cast: `NULL::int`) is left
 * out, as PostgreSQL treats it: existing rows get NULL just as with no DEFAULT. Django's
 * `db_default=None` writes one.
 */
function constraintTypes(column: any): { kinds: Set<string>; nullDefault: boolean } {
  const kinds = new Set<string>();
  let nullDefault = false;
  for (const c of column.constraints ?? []) {
    const con = c.Constraint;
    if (con?.contype === 'CONSTR_DEFAULT' && isNullConstant(con.raw_expr)) nullDefault = true;
    else if (con?.contype) kinds.add(con.contype);
  }
  return { kinds, nullDefault };
}

export default defineRule({
  id: 'no-not-null-without-default',
  severity: 'error',
  summary: 'ADD COLUMN ... NOT NULL without a DEFAULT fails on a table that has rows',
  docs: {
    why:
      'Existing rows get NULL in a new column unless it has a DEFAULT, so ADD COLUMN ... NOT NULL without ' +
      'one fails with "column contains null values" as soon as the table has a single row: the migration ' +
      'passes on an empty development database and breaks in production. (A PRIMARY KEY column is NOT NULL too.) ' +
      '`DEFAULT NULL` counts as no default: it fills existing rows with NULL, so it fails the same way.',
    safe:
      'Give the column a DEFAULT (from PostgreSQL 11 a non-volatile default is stored in the catalog, ' +
      'without rewriting the table), or add it nullable, backfill in batches, add ' +
      'CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL. A table created earlier in the ' +
      'same migration is empty and is not reported.',
    bad: 'ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;',
    good: 'ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL DEFAULT 0;',
  },
  check({ statements, report, createdBefore }) {
    for (const s of statements.of('AlterTableStmt')) {
      if (createdBefore(s).table(s.node.relation?.relname)) continue;
      // A foreign table stores no rows here: nothing to rewrite, scan or lose.
      for (const c of tableAlterCommands(s, 'tables')) {
        if (c?.subtype !== 'AT_AddColumn') continue;
        const column = nodeBody(c.def, 'ColumnDef');
        if (!column) continue;
        const { kinds, nullDefault } = constraintTypes(column);
        if (!kinds.has('CONSTR_NOTNULL') && !kinds.has('CONSTR_PRIMARY')) continue;
        if (kinds.has('CONSTR_DEFAULT') || kinds.has('CONSTR_IDENTITY') || kinds.has('CONSTR_GENERATED')) continue;
        const type = nameParts(column.typeName?.names);
        if (SERIAL_TYPES.has(type[type.length - 1])) continue;
        const why = kinds.has('CONSTR_NOTNULL') ? 'NOT NULL' : 'PRIMARY KEY (so NOT NULL)';
        const without = nullDefault ? 'with DEFAULT NULL, which is no default (existing rows get NULL)' : 'without a DEFAULT';
        report(
          s,
          `column ${column.colname} is added to ${qualifiedName(s.node.relation)} as ${why} ${without}: fails if the table has any rows`,
          { location: column.location, harmlessWhenEmpty: tableRef(s.node.relation) },
        );
      }
    }
  },
});
