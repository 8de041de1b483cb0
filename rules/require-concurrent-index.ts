import { concurrentlyFix, defineRule, lockOnTable, qualifiedName } from './kit/index.js';

export default defineRule({
  id: 'require-concurrent-index',
  severity: 'error',
  fixable: true,
  summary: 'CREATE INDEX without CONCURRENTLY blocks all writes to the table while the index builds',
  docs: {
    why:
      'A plain CREATE INDEX takes a SHARE lock on the table: reads go on, but every INSERT, UPDATE and ' +
      'DELETE waits until the whole index is built, which on a large table takes minutes. ' +
      'CREATE INDEX CONCURRENTLY takes only SHARE UPDATE EXCLUSIVE and lets writes continue.',
    safe:
      'Use CREATE INDEX CONCURRENTLY, in a migration that does not run inside a transaction (CONCURRENTLY ' +
      'cannot). If the build fails it leaves an INVALID index: drop it and retry. An index on a table ' +
      'created earlier in the same migration is fine as it is, and is not reported.',
    bad: 'CREATE INDEX orders_customer_id_idx ON orders (customer_id);',
    good: 'CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);',
  },
  check(ctx) {
    const { statements, report, createdBefore, embeddedIn } = ctx;
    for (const s of statements.of('IndexStmt')) {
      if (s.node.concurrent) continue;
      if (createdBefore(s).table(s.node.relation?.relname)) continue;
      const unique = s.node.unique ? 'UNIQUE ' : '';
      // A DO block always runs in one transaction, where CONCURRENTLY fails: the index has to move out of it.
      const where = embeddedIn(s) ? '; move it out of the DO block to build it CONCURRENTLY' : '';
      report(
        s,
        `CREATE ${unique}INDEX on ${qualifiedName(s.node.relation)} without CONCURRENTLY takes a SHARE lock: writes to the table wait until the index is built${where}`,
        { fix: concurrentlyFix(s, ctx), lock: lockOnTable(s.node.relation, 'SHARE', 'index-build') },
      );
    }
  },
});
