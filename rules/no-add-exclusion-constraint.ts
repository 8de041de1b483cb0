import { addedConstraints, defineRule, lockOnTable, quoted } from './kit/index.js';

export default defineRule({
  id: 'no-add-exclusion-constraint',
  severity: 'error',
  summary: 'Adding an EXCLUDE constraint to an existing table builds its index while reads and writes wait',
  docs: {
    why:
      'ALTER TABLE ... ADD EXCLUDE builds the constraint\'s index and checks every pair of conflicting rows while ' +
      'holding an ACCESS EXCLUSIVE lock: every query on the table waits for the whole build. Unlike PRIMARY KEY ' +
      'and UNIQUE, an exclusion constraint cannot be attached to an index built beforehand (there is no USING ' +
      'INDEX form for it), and it cannot be added NOT VALID.',
    safe:
      'Declare exclusion constraints when the table is created, or add them while the table is still small. On a ' +
      'large live table, schedule the change for a quiet moment with lock_timeout set, or enforce the rule another ' +
      'way (a unique index built CONCURRENTLY on a derived column, a trigger). A table created earlier in the same ' +
      'migration is not reported.',
    bad: 'ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);',
    good:
      'CREATE TABLE bookings (\n  room int,\n  during tstzrange,\n  CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&)\n);',
  },
  check({ statements, report, createdBefore }) {
    for (const s of statements.of('AlterTableStmt')) {
      const table = s.node.relation;
      if (createdBefore(s).table(table?.relname)) continue;
      for (const { con } of addedConstraints(s)) {
        if (con.contype !== 'CONSTR_EXCLUSION') continue;
        const name = con.conname ? `EXCLUDE constraint ${con.conname}` : 'EXCLUDE constraint';
        report(
          s,
          `${name} on ${quoted(table)} builds its index while holding ACCESS EXCLUSIVE on ${quoted(table)}: blocks reads and writes for the whole build, ` +
            'and there is no NOT VALID or USING INDEX way around it',
          { location: con.location, lock: lockOnTable(table, 'ACCESS EXCLUSIVE', 'index-build') },
        );
      }
    }
  },
});
