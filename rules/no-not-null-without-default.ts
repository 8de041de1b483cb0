import { defineRule, nameParts, nodeBody, qualifiedName, tableAlterCommands } from './kit/index.js';

const SERIAL_TYPES = new Set(['serial', 'serial2', 'serial4', 'serial8', 'smallserial', 'bigserial']);

function constraintTypes(column: any): Set<string> {
  return new Set((column.constraints ?? []).map((c: any) => c.Constraint?.contype));
}

export default defineRule({
  id: 'no-not-null-without-default',
  severity: 'error',
  summary: 'ADD COLUMN ... NOT NULL without a DEFAULT fails on a table that has rows',
  docs: {
    why:
      'Existing rows get NULL in a new column unless it has a DEFAULT, so ADD COLUMN ... NOT NULL without ' +
      'one fails with "column contains null values" as soon as the table has a single row: the migration ' +
      'passes on an empty development database and breaks in production. (A PRIMARY KEY column is NOT NULL too.)',
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
        const kinds = constraintTypes(column);
        if (!kinds.has('CONSTR_NOTNULL') && !kinds.has('CONSTR_PRIMARY')) continue;
        if (kinds.has('CONSTR_DEFAULT') || kinds.has('CONSTR_IDENTITY') || kinds.has('CONSTR_GENERATED')) continue;
        const type = nameParts(column.typeName?.names);
        if (SERIAL_TYPES.has(type[type.length - 1])) continue;
        const why = kinds.has('CONSTR_NOTNULL') ? 'NOT NULL' : 'PRIMARY KEY (so NOT NULL)';
        report(
          s,
          `column ${column.colname} is added to ${qualifiedName(s.node.relation)} as ${why} without a DEFAULT: fails if the table has any rows`,
          { location: column.location },
        );
      }
    }
  },
});
