import { columnHistory, createdInUp, defineRule, qualifiedName, tableAlterCommands } from './kit/index.js';

export default defineRule({
  id: 'no-drop-column',
  severity: 'warn',
  summary: 'Dropping a column loses its data and breaks code that still reads or writes it',
  docs: {
    why:
      'DROP COLUMN cannot be undone by a down migration: the data is gone, only a restore brings it back. ' +
      'Any statement still naming the column fails from the moment the migration commits, including those of ' +
      'the application version running during the deploy, and ORMs that cache a table\'s column list ' +
      '(and put every column in their INSERTs) fail even if the code never mentions it. The statement itself ' +
      'is quick (the column is only marked dropped) but needs an ACCESS EXCLUSIVE lock. The rule warns rather ' +
      'than errs because dropping is the normal last step of removing a column; it cannot see whether the ' +
      'code has already stopped using it. Columns of a table created, or columns added, earlier in the same ' +
      'migration are not reported, nor, in a down migration, columns its up migration created (the down exists to ' +
      'undo the up).',
    safe:
      'First deploy code that no longer uses the column (tell the ORM to ignore it), then drop it in a later ' +
      'migration, after taking a backup of the data if it might be needed. Then mark the reviewed drop with ' +
      'a disable comment that says the code no longer uses it.',
    bad: 'ALTER TABLE users DROP COLUMN legacy_plan;',
    good: '-- migratelint-disable-next-line no-drop-column -- unused since release 4.2 (ignored_columns)\nALTER TABLE users DROP COLUMN legacy_plan;',
  },
  check({ migration, sectionName, statements, report, createdBefore }) {
    // A down migration undoes its up: dropping what the up added is expected; without the up, nothing is known.
    if (sectionName === 'down' && migration.up.state !== 'present') return;
    const undo = sectionName === 'down' ? createdInUp(migration) : undefined;
    const history = columnHistory(statements.all);
    for (const s of statements.of('AlterTableStmt')) {
      if (createdBefore(s).table(s.node.relation?.relname)) continue;
      // A foreign table stores no rows here: nothing to rewrite, scan or lose.
      for (const c of tableAlterCommands(s, 'tables')) {
        if (c?.subtype !== 'AT_DropColumn' || history.columnBefore(c)) continue;
        if (undo?.columns.has(`${s.node.relation?.relname}.${c.name}`) || undo?.tables.has(s.node.relation?.relname ?? '')) continue;
        report(s, `dropping column ${c.name} of ${qualifiedName(s.node.relation)} deletes its data and breaks code that still uses it`);
      }
    }
  },
});
