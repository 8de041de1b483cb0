import { concurrentlyFix, defineRule, lockViaIndex, nameParts, type Migration, type Statement } from './kit/index.js';

/**
 * Indexes of a down migration whose table the same down drops as well: the index was
 * created by the up on that table, and the down removes both (generated downs of
 * TypeORM, Prisma, ... do exactly this). Dropping the table takes the same lock, so
 * the index drop adds no hazard.
 */
function indexesGoingWithTheirTable(migration: Migration, down: readonly Statement[]): Set<string> {
  const tableOf = new Map<string, string>();
  for (const s of migration.up.statements) {
    if (s.kind === 'IndexStmt' && s.node.idxname && s.node.relation?.relname) tableOf.set(s.node.idxname, s.node.relation.relname);
  }
  const droppedTables = new Set<string>();
  for (const s of down) {
    if (s.kind !== 'DropStmt' || s.node.removeType !== 'OBJECT_TABLE') continue;
    for (const o of s.node.objects ?? []) {
      const parts = nameParts(o.List?.items);
      droppedTables.add(parts[parts.length - 1]);
    }
  }
  return new Set([...tableOf].filter(([, table]) => droppedTables.has(table)).map(([index]) => index));
}

export default defineRule({
  id: 'require-concurrent-index-drop',
  severity: 'error',
  fixable: true,
  summary: 'DROP INDEX without CONCURRENTLY blocks reads and writes on the table',
  docs: {
    why:
      'A plain DROP INDEX takes an ACCESS EXCLUSIVE lock on the index\'s table, so every query on the table, ' +
      'reads included, queues behind it, and behind any long transaction already using the table. ' +
      'DROP INDEX CONCURRENTLY waits for those transactions without blocking new ones.',
    safe:
      'Use DROP INDEX CONCURRENTLY (one index per statement, outside a transaction). Dropping an index the ' +
      'same migration created is fine as it is, and is not reported; neither is a down migration dropping an ' +
      'index its up created together with that index\'s table.',
    bad: 'DROP INDEX orders_customer_id_idx;',
    good: 'DROP INDEX CONCURRENTLY orders_customer_id_idx;',
  },
  check(ctx) {
    const { statements, report, createdBefore, embeddedIn } = ctx;
    const drops = statements.of('DropStmt').filter((s) => s.node.removeType === 'OBJECT_INDEX' && !s.node.concurrent);
    if (drops.length === 0) return;
    const withTable = ctx.sectionName === 'down' ? indexesGoingWithTheirTable(ctx.migration, ctx.section.statements) : new Set<string>();
    for (const s of drops) {
      const names = (s.node.objects ?? []).map((o: any) => nameParts(o.List?.items));
      const created = createdBefore(s);
      const live = names.filter((parts: string[]) => !created.index(parts[parts.length - 1]) && !withTable.has(parts[parts.length - 1]));
      if (live.length === 0) continue;
      const where = embeddedIn(s) ? '; move it out of the DO block to drop it CONCURRENTLY' : '';
      report(
        s,
        `DROP INDEX ${live.map((p: string[]) => p.join('.')).join(', ')} without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table: reads and writes wait${where}`,
        { fix: concurrentlyFix(s, ctx), lock: live.length === 1 ? lockViaIndex(live[0], 'ACCESS EXCLUSIVE', 'catalog') : undefined },
      );
    }
  },
});
