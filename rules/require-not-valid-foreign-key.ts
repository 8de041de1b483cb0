import { addedConstraints, defineRule, lockOnTable, notValidFix, quoted, validateTableConstraint } from './kit/index.js';

export default defineRule({
  id: 'require-not-valid-foreign-key',
  severity: 'error',
  fixable: true,
  summary: 'Adding a FOREIGN KEY without NOT VALID blocks writes to both tables while every row is checked',
  docs: {
    why:
      'ALTER TABLE ... ADD FOREIGN KEY takes a SHARE ROW EXCLUSIVE lock on the table and on the table it ' +
      'references, then reads every row to check that its key exists on the other side. Until the check ' +
      'finishes (and, in a transaction, until COMMIT) no row of either table can be inserted, updated or deleted. ' +
      'Adding the key on a new column (ADD COLUMN ... REFERENCES) runs the same check under the ACCESS ' +
      'EXCLUSIVE lock of ADD COLUMN.',
    safe:
      'Add the constraint with NOT VALID: PostgreSQL records it and enforces it for new rows at once, without ' +
      'reading the old ones. Then, in a separate transaction (a later migration, or after a COMMIT), run ' +
      'ALTER TABLE ... VALIDATE CONSTRAINT, which checks the old rows under SHARE UPDATE EXCLUSIVE (reads and ' +
      'writes go on) on the table and ROW SHARE on the referenced one. For a new column, add the column first, ' +
      'then the constraint NOT VALID. A table created earlier in the same migration is empty and is not reported. ' +
      '(Before PostgreSQL 18, NOT VALID foreign keys are not supported on partitioned tables.) `migratelint lint --fix` adds NOT VALID only together with a new migration after this one that holds the VALIDATE (for the SQL formats it writes migrations for); elsewhere it leaves the constraint and prints how.',
    bad: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);',
    good:
      'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\n' +
      '-- in a later migration:\nALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;',
  },
  check({ statements, report, createdBefore, migration }) {
    for (const s of statements.of('AlterTableStmt')) {
      const table = s.node.relation;
      if (createdBefore(s).table(table?.relname)) continue;
      for (const { con, column } of addedConstraints(s)) {
        if (con.contype !== 'CONSTR_FOREIGN' || con.skip_validation) continue;
        const other = con.pktable && con.pktable.relname !== table?.relname ? ` and ${quoted(con.pktable)}` : '';
        if (column) {
          report(
            s,
            `column ${column.colname} is added to ${quoted(table)} with REFERENCES ${quoted(con.pktable)}: every row is checked ` +
              `while ADD COLUMN holds ACCESS EXCLUSIVE on ${quoted(table)} (blocks reads and writes); add the column, then the foreign key NOT VALID`,
            { location: con.location, lock: lockOnTable(table, 'ACCESS EXCLUSIVE', 'scan') },
          );
          continue;
        }
        const name = con.conname ? `FOREIGN KEY ${con.conname}` : 'FOREIGN KEY';
        report(
          s,
          `${name} is added to ${quoted(table)} without NOT VALID: takes SHARE ROW EXCLUSIVE on ${quoted(table)}${other}: ` +
            'blocks writes while every row is checked; add it NOT VALID and VALIDATE it in a separate transaction',
          {
            location: con.location,
            lock: lockOnTable(table, 'SHARE ROW EXCLUSIVE', 'scan'),
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
