import { defineRule } from '../src/engine/rule.js';
import { cteStatements, qualifiedName } from '../src/ir/ast.js';

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
      if (!s.node) continue;
      const candidates: [string, any, boolean][] = [[s.kind, s.node, true]];
      for (const [kind, node] of cteStatements(s.node)) candidates.push([kind, node, false]);
      for (const [kind, node, topLevel] of candidates) {
        if (kind !== 'UpdateStmt' || node.whereClause) continue;
        if (createdBefore(s).table(node.relation?.relname)) continue;
        report(s, `UPDATE ${qualifiedName(node.relation)} has no WHERE clause: it rewrites every row`, {
          location: topLevel ? undefined : node.relation?.location,
        });
      }
    }
  },
});
