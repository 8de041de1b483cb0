import { changesWithoutWhere, defineRule, qualifiedName } from './kit/index.js';

export default defineRule({
  id: 'no-update-without-where',
  severity: 'error',
  summary: 'UPDATE without WHERE rewrites every row of the table',
  docs: {
    why:
      'An UPDATE with no WHERE clause changes every row. PostgreSQL writes a new version of each row, ' +
      'so the table and its indexes can double in size, and every row stays locked against other writers ' +
      'until the migration commits. In a migration it is usually a forgotten condition; a deliberate ' +
      'backfill of a large table should run in batches outside the schema migration.',
    safe:
      'Add the WHERE clause that selects the rows meant. For a deliberate backfill, update in batches ' +
      '(WHERE id BETWEEN ... or WHERE col IS NULL with a LIMIT in a subquery) outside the migration transaction.',
    bad: "UPDATE users SET plan = 'free';",
    good: "UPDATE users SET plan = 'free' WHERE plan IS NULL;",
  },
  check({ statements, report, createdBefore }) {
    for (const s of statements) {
      for (const { node, nested } of changesWithoutWhere('UpdateStmt', s.kind, s.node)) {
        // A table the migration just created holds no rows that could be lost.
        if (createdBefore(s).table(node.relation?.relname)) continue;
        report(s, `UPDATE ${qualifiedName(node.relation)} has no WHERE clause: it rewrites every row`, { location: nested ? node.relation?.location : undefined });
      }
    }
  },
});
