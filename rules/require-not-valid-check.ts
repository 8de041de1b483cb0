import { addedConstraints, defineRule, lockOnTable, notValidFix, quoted, validateTableConstraint } from './kit/index.js';

export default defineRule({
  id: 'require-not-valid-check',
  severity: 'error',
  fixable: true,
  summary: 'Adding a CHECK constraint without NOT VALID blocks reads and writes while every row is checked',
  docs: {
    why:
      'ALTER TABLE ... ADD CHECK takes an ACCESS EXCLUSIVE lock and reads the whole table to check every row ' +
      'against the condition. Until it finishes (and, in a transaction, until COMMIT) every query on the table ' +
      'waits, SELECTs included.',
    safe:
      'Add the constraint with NOT VALID: it is recorded and enforced for new and updated rows at once, and the ' +
      'old rows are not read, so the ACCESS EXCLUSIVE lock is held only for a moment. Then, in a separate ' +
      'transaction, run ALTER TABLE ... VALIDATE CONSTRAINT, which reads the table under SHARE UPDATE EXCLUSIVE ' +
      '(reads and writes go on). A table created earlier in the same migration is not reported. `migratelint lint --fix` adds NOT VALID only together with a new migration after this one that holds the VALIDATE (for the SQL formats it writes migrations for); elsewhere it leaves the constraint and prints how.',
    bad: 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0);',
    good:
      'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;\n' +
      '-- in a later migration:\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;',
  },
  check({ statements, report, createdBefore, migration }) {
    for (const s of statements.of('AlterTableStmt')) {
      const table = s.node.relation;
      if (createdBefore(s).table(table?.relname)) continue;
      for (const { con, column } of addedConstraints(s)) {
        // A CHECK written on ADD COLUMN only sees the new column's default: left to the column rules.
        if (con.contype !== 'CONSTR_CHECK' || con.skip_validation || column) continue;
        const name = con.conname ? `CHECK ${con.conname}` : 'CHECK constraint';
        report(
          s,
          `${name} is added to ${quoted(table)} without NOT VALID: takes ACCESS EXCLUSIVE on ${quoted(table)}: ` +
            'blocks reads and writes while every row is checked; add it NOT VALID and VALIDATE it in a separate transaction',
          {
            location: con.location,
            lock: lockOnTable(table, 'ACCESS EXCLUSIVE', 'scan'),
            fix: notValidFix(
              s,
              con.location,
              migration.sources.get(s.chunk.file),
              'add NOT VALID (then VALIDATE CONSTRAINT in a separate transaction)',
              validateTableConstraint(table, con.conname),
            ),
          },
        );
      }
    }
  },
});
