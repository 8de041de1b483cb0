import { addedConstraints, defineRule, lockOnTable, quoted } from './kit/index.js';

export default defineRule({
  id: 'require-constraint-using-index',
  severity: 'error',
  summary: 'ADD PRIMARY KEY / UNIQUE without USING INDEX builds the index while reads and writes wait',
  docs: {
    why:
      'ALTER TABLE ... ADD PRIMARY KEY or ADD UNIQUE builds a unique index on the whole table while holding an ' +
      'ACCESS EXCLUSIVE lock: every query on the table, reads included, waits until the index is built, which on ' +
      'a large table takes minutes. The same happens for a PRIMARY KEY or UNIQUE written on ADD COLUMN.',
    safe:
      'Build the index first with CREATE UNIQUE INDEX CONCURRENTLY (outside a transaction), then attach it: ' +
      'ALTER TABLE ... ADD CONSTRAINT name PRIMARY KEY USING INDEX index_name (or UNIQUE USING INDEX), which only ' +
      'needs the lock for a moment. For a PRIMARY KEY the columns must already be NOT NULL, or the attach scans ' +
      'the table to set it (see no-set-not-null-without-check). A table created earlier in the same migration is ' +
      'not reported.',
    bad: 'ALTER TABLE orders ADD PRIMARY KEY (id);',
    good:
      'CREATE UNIQUE INDEX CONCURRENTLY orders_pkey ON orders (id);\n' +
      'ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY USING INDEX orders_pkey;',
  },
  check({ statements, report, createdBefore }) {
    for (const s of statements.of('AlterTableStmt')) {
      const table = s.node.relation;
      if (createdBefore(s).table(table?.relname)) continue;
      for (const { con, column } of addedConstraints(s)) {
        if (con.contype !== 'CONSTR_PRIMARY' && con.contype !== 'CONSTR_UNIQUE') continue;
        if (con.indexname) continue; // USING INDEX
        const kind = con.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : 'UNIQUE';
        const what = column ? `column ${column.colname} is added to ${quoted(table)} as ${kind}` : `ADD ${kind} on ${quoted(table)}`;
        report(
          s,
          `${what} builds its index while holding ACCESS EXCLUSIVE on ${quoted(table)}: blocks reads and writes for the whole build; ` +
            `create the unique index CONCURRENTLY first, then ADD CONSTRAINT ... ${kind} USING INDEX`,
          { location: con.location, lock: lockOnTable(table, 'ACCESS EXCLUSIVE', 'index-build') },
        );
      }
    }
  },
});
