import { columnHistory, defineRule, qualifiedName } from './kit/index.js';

const KIND: Record<string, string> = {
  OBJECT_TABLE: 'table',
  OBJECT_VIEW: 'view',
  OBJECT_MATVIEW: 'materialized view',
  OBJECT_FOREIGN_TABLE: 'foreign table',
};

export default defineRule({
  id: 'no-rename-column',
  severity: 'error',
  summary: 'Renaming a column breaks the application code still using the old name',
  docs: {
    why:
      'Once the rename commits, every statement naming the old column fails ("column does not exist"): the ' +
      'SELECTs, INSERTs and UPDATEs of the application version already running, ORMs that list columns ' +
      'explicitly, views written by hand elsewhere, reports and ETL jobs. Code written for the new name cannot ' +
      'run before the migration, so no deploy order makes a plain rename safe. Columns of a table created, ' +
      'or columns added, earlier in the same migration are not reported, nor are down migrations.',
    safe:
      'Expand and contract: add a column with the new name, keep both in sync (the application writes both, ' +
      'or a trigger copies), backfill in batches, move reads to the new column, stop writing the old one, ' +
      'and drop it in a later migration. If the application can tolerate a short error window, keep the ' +
      'rename and disable the rule for it with a comment saying so.',
    bad: 'ALTER TABLE users RENAME COLUMN name TO full_name;',
    good: 'ALTER TABLE users ADD COLUMN full_name text;',
  },
  check({ sectionName, statements, report, createdBefore }) {
    if (sectionName !== 'up') return;
    const history = columnHistory(statements.all);
    for (const s of statements.of('RenameStmt')) {
      if (s.node.renameType !== 'OBJECT_COLUMN') continue;
      const table = s.node.relation?.relname;
      if (createdBefore(s).table(table) || history.columnBefore(s.node)) continue;
      const kind = KIND[s.node.relationType ?? ''] ?? 'table';
      report(
        s,
        `renaming column ${s.node.subname} of ${kind} ${qualifiedName(s.node.relation)} to ${s.node.newname} breaks every query that still uses ${s.node.subname}, such as those of the application already running`,
      );
    }
  },
});
