import { defineRule, lockOnTable, quoted } from './kit/index.js';

export default defineRule({
  id: 'require-concurrent-refresh',
  severity: 'error',
  summary: 'REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks every read of the view while it is recomputed',
  docs: {
    why:
      'A plain REFRESH MATERIALIZED VIEW takes an ACCESS EXCLUSIVE lock on the view and holds it while the ' +
      'query behind it runs again from scratch: every SELECT on the view waits, for as long as the query takes.',
    safe:
      'Use REFRESH MATERIALIZED VIEW CONCURRENTLY, which computes the new contents next to the old ones under an ' +
      'EXCLUSIVE lock (reads go on) and applies the difference. It needs a UNIQUE index on the view (on plain ' +
      'columns, without WHERE) and a view that is already populated. A view created earlier in the same migration ' +
      'is not reported, nor is REFRESH ... WITH NO DATA (it only empties the view).',
    bad: 'REFRESH MATERIALIZED VIEW daily_sales;',
    good: 'CREATE UNIQUE INDEX CONCURRENTLY daily_sales_day_idx ON daily_sales (day);\nREFRESH MATERIALIZED VIEW CONCURRENTLY daily_sales;',
  },
  check({ statements, report, createdBefore }) {
    for (const s of statements.of('RefreshMatViewStmt')) {
      if (s.node.concurrent || s.node.skipData) continue;
      if (createdBefore(s).table(s.node.relation?.relname)) continue;
      report(
        s,
        `REFRESH MATERIALIZED VIEW ${quoted(s.node.relation)} takes ACCESS EXCLUSIVE on materialized view ${quoted(s.node.relation)}: ` +
          'blocks reads while its query reruns; use REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index on the view)',
        // Rewritten from its query: the view's own size is the floor of that work.
        { lock: lockOnTable(s.node.relation, 'ACCESS EXCLUSIVE', 'rewrite') },
      );
    }
  },
});
