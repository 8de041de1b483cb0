import { codeTokens, concurrentFix, defineRule, hasOption, insertAfterToken, lockOnTable, lockViaIndex, qualifiedName, type Statement, type TextEdit, type FindingLock } from './kit/index.js';

const TARGET_WORDS = new Set(['INDEX', 'TABLE', 'SCHEMA', 'DATABASE']);

function concurrently(s: Statement): boolean {
  return hasOption(s.node.params, 'concurrently');
}

/** Inserts CONCURRENTLY after the INDEX / TABLE / SCHEMA / DATABASE keyword (options in parentheses skipped). */
function concurrentlyEdit(s: Statement, source: string | undefined): TextEdit | undefined {
  const tokens = codeTokens(s);
  if (!tokens) return undefined;
  let depth = 0;
  for (const t of tokens) {
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && t.keyword && TARGET_WORDS.has(t.text.toUpperCase())) return insertAfterToken(s, t, ' CONCURRENTLY', source);
  }
  return undefined;
}

export default defineRule({
  id: 'require-concurrent-reindex',
  severity: 'error',
  fixable: true,
  summary: 'REINDEX without CONCURRENTLY blocks writes, and reads that use the index, for the whole rebuild',
  docs: {
    why:
      'A plain REINDEX takes a SHARE lock on the table (INSERT, UPDATE and DELETE wait) and an ACCESS EXCLUSIVE ' +
      'lock on each index it rebuilds, so every query that would use the index waits as well, for as long as the ' +
      'rebuild takes. REINDEX TABLE, SCHEMA and DATABASE do this to every index in turn.',
    safe:
      'From PostgreSQL 12 use REINDEX ... CONCURRENTLY, which builds a new copy of the index next to the old one ' +
      'under SHARE UPDATE EXCLUSIVE (reads and writes go on) and swaps them; it must run outside a transaction, and ' +
      'a failure leaves an invalid "_ccnew" index to drop. Before 12, build a replacement with CREATE INDEX ' +
      'CONCURRENTLY, then drop the old index and rename the new one. Indexes and tables created earlier in the same ' +
      'migration are not reported. REINDEX SYSTEM has no concurrent form.',
    bad: 'REINDEX INDEX orders_customer_id_idx;',
    good: 'REINDEX INDEX CONCURRENTLY orders_customer_id_idx;',
  },
  check(ctx) {
    const { statements, report, createdBefore, pgVersion, migration } = ctx;
    for (const s of statements.of('ReindexStmt')) {
      if (concurrently(s)) continue;
      const kind: string = s.node.kind ?? '';
      const created = createdBefore(s);
      const name = s.node.relation ? qualifiedName(s.node.relation) : (s.node.name ?? '');
      let what: string;
      // REINDEX reads the whole table to rebuild: an index build under SHARE on the table.
      let lock: FindingLock | undefined;
      if (kind === 'REINDEX_OBJECT_INDEX') {
        if (created.index(s.node.relation?.relname)) continue;
        const rv = s.node.relation;
        lock = rv?.relname ? lockViaIndex(rv.schemaname ? [rv.schemaname, rv.relname] : [rv.relname], 'SHARE', 'index-build') : undefined;
        what = `REINDEX INDEX ${name} takes ACCESS EXCLUSIVE on index "${name}" and SHARE on its table: blocks writes, and reads that use the index`;
      } else if (kind === 'REINDEX_OBJECT_TABLE') {
        if (created.table(s.node.relation?.relname)) continue;
        lock = lockOnTable(s.node.relation, 'SHARE', 'index-build');
        what = `REINDEX TABLE ${name} takes SHARE on "${name}" and ACCESS EXCLUSIVE on each of its indexes: blocks writes, and reads that use an index`;
      } else {
        const word = kind.replace('REINDEX_OBJECT_', '');
        what = `REINDEX ${word}${name ? ` ${name}` : ''} rebuilds every index in it, each under ACCESS EXCLUSIVE with SHARE on its table: blocks writes, and reads that use the index being rebuilt`;
        if (word === 'SYSTEM') {
          report(s, `${what}; it has no concurrent form, so run it in a maintenance window`);
          continue;
        }
      }
      if (pgVersion < 12) {
        report(s, `${what}; before PostgreSQL 12, build a replacement with CREATE INDEX CONCURRENTLY and swap it in`, { lock });
        continue;
      }
      const spelled = (s.node.params ?? []).some((p: any) => p.DefElem?.defname === 'concurrently');
      const edit = spelled ? undefined : concurrentlyEdit(s, migration.sources.get(s.chunk.file));
      const fix = edit && concurrentFix(s, ctx, edit);
      report(s, `${what}; use REINDEX ... CONCURRENTLY`, { fix, lock });
    }
  },
});
