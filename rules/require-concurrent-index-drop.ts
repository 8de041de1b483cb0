import { defineRule } from '../src/engine/rule.js';
import { nameParts } from '../src/ir/ast.js';

export default defineRule({
  id: 'require-concurrent-index-drop',
  severity: 'error',
  summary: 'DROP INDEX without CONCURRENTLY blocks reads and writes on the table',
  docs: {
    why:
      'A plain DROP INDEX takes an ACCESS EXCLUSIVE lock on the index\'s table, so every query on the table, ' +
      'reads included, queues behind it, and behind any long transaction already using the table. ' +
      'DROP INDEX CONCURRENTLY waits for those transactions without blocking new ones.',
    safe:
      'Use DROP INDEX CONCURRENTLY (one index per statement, outside a transaction). Dropping an index the ' +
      'same migration created is fine as it is, and is not reported.',
    bad: 'DROP INDEX orders_customer_id_idx;',
    good: 'DROP INDEX CONCURRENTLY orders_customer_id_idx;',
  },
  check({ statements, report, createdBefore }) {
    for (const s of statements.of('DropStmt')) {
      if (s.node.removeType !== 'OBJECT_INDEX' || s.node.concurrent) continue;
      const names = (s.node.objects ?? []).map((o: any) => nameParts(o.List?.items));
      const created = createdBefore(s);
      const live = names.filter((parts: string[]) => !created.index(parts[parts.length - 1]));
      if (live.length === 0) continue;
      report(
        s,
        `DROP INDEX ${live.map((p: string[]) => p.join('.')).join(', ')} without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table: reads and writes wait`,
      );
    }
  },
});
