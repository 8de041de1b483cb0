import { columnHistory, defineRule, qualifiedName, tableAlterCommands } from './kit/index.js';

export default defineRule({
  id: 'no-drop-not-null',
  severity: 'warn',
  presets: { recommended: 'off', strict: 'warn' },
  summary: 'DROP NOT NULL lets NULLs into a column that code, and the down migration, may assume never has them',
  docs: {
    why:
      'DROP NOT NULL itself is cheap (a catalog change under a brief ACCESS EXCLUSIVE lock), so this is not ' +
      'a lock rule. The hazard is the contract: code already running, reports and other services may treat ' +
      'the column as always set and fail or mis-compute once NULLs appear; and the reverse, SET NOT NULL in ' +
      'the down migration, scans the whole table under ACCESS EXCLUSIVE and fails as soon as one NULL has been ' +
      'written, so the rollback stops working. It is off in the recommended preset because dropping NOT NULL ' +
      'is also the usual first step of retiring a column; the strict preset warns so that each one is ' +
      'looked at. Columns of a table created, or added, earlier in the same migration are not reported, nor ' +
      'are down migrations.',
    safe:
      'Check that every reader handles NULL before the migration ships. Write the down migration so that it ' +
      'can succeed: backfill the NULLs first, or restore the constraint as CHECK (col IS NOT NULL) NOT VALID ' +
      'and validate it separately.',
    bad: 'ALTER TABLE orders ALTER COLUMN shipped_at DROP NOT NULL;',
    good: 'ALTER TABLE orders ALTER COLUMN shipped_at SET DEFAULT now();',
  },
  check({ sectionName, statements, report, createdBefore }) {
    if (sectionName !== 'up') return;
    const history = columnHistory(statements.all);
    for (const s of statements.of('AlterTableStmt')) {
      if (createdBefore(s).table(s.node.relation?.relname)) continue;
      // A foreign table stores no rows here: nothing to rewrite, scan or lose.
      for (const c of tableAlterCommands(s, 'tables')) {
        if (c?.subtype !== 'AT_DropNotNull' || history.columnBefore(c)) continue;
        report(s, `DROP NOT NULL on ${qualifiedName(s.node.relation)}.${c.name} lets NULLs in: code reading the column, and a down migration that sets NOT NULL again, may break`);
      }
    }
  },
});
