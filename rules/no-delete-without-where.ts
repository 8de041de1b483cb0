import { changesWithoutWhere, defineRule, qualifiedName } from './kit/index.js';

export default defineRule({
  id: 'no-delete-without-where',
  severity: 'error',
  summary: 'DELETE without WHERE removes every row of the table',
  docs: {
    why:
      'A DELETE with no WHERE clause removes every row, writes a dead tuple for each (bloating the table ' +
      'until VACUUM) and holds a ROW EXCLUSIVE lock plus a row lock on every row for the whole ' +
      'transaction. In a migration it is almost always a forgotten condition.',
    safe:
      'Add the WHERE clause that selects the rows meant. If the table really must be emptied, say so with ' +
      'TRUNCATE (and a disable comment giving the reason); for large data clean-ups, delete in batches.',
    bad: 'DELETE FROM sessions;',
    good: "DELETE FROM sessions WHERE expires_at < now() - interval '30 days';",
  },
  check({ statements, report, createdBefore }) {
    for (const s of statements) {
      for (const { node, nested } of changesWithoutWhere('DeleteStmt', s.kind, s.node)) {
        // A table the migration just created holds no rows that could be lost.
        if (createdBefore(s).table(node.relation?.relname)) continue;
        report(s, `DELETE FROM ${qualifiedName(node.relation)} has no WHERE clause: it removes every row`, { location: nested ? node.relation?.location : undefined });
      }
    }
  },
});
