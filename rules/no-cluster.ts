import { defineRule, lockOnTable, quoted } from './kit/index.js';

export default defineRule({
  id: 'no-cluster',
  severity: 'error',
  summary: 'CLUSTER rewrites the table under ACCESS EXCLUSIVE, blocking reads and writes',
  docs: {
    why:
      'CLUSTER rewrites the table in index order, and rebuilds all its indexes, while holding an ACCESS EXCLUSIVE ' +
      'lock: every query on the table waits for the whole rewrite. CLUSTER without a table name re-clusters every ' +
      'table that was clustered before. The order is not kept for later writes, so it buys little for the outage.',
    safe:
      'Leave physical ordering out of migrations. If it matters, use an online tool such as pg_repack (with ' +
      '--order-by) in a maintenance task, or a BRIN-friendly insert order. Tables created earlier in the same ' +
      'migration are not reported.',
    bad: 'CLUSTER orders USING orders_created_at_idx;',
    good: '-- outside the migration: pg_repack --table=orders --order-by=created_at',
  },
  check({ statements, report, createdBefore }) {
    for (const s of statements.of('ClusterStmt')) {
      const rel = s.node.relation;
      if (rel && createdBefore(s).table(rel.relname)) continue;
      const on = rel ? quoted(rel) : 'every previously clustered table';
      report(s, `CLUSTER takes ACCESS EXCLUSIVE on ${on}: blocks reads and writes while the table and its indexes are rewritten`, { lock: lockOnTable(rel, 'ACCESS EXCLUSIVE', 'rewrite') });
    }
  },
});
