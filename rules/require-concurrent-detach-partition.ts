import { codeTokens, concurrentFix, defineRule, insertAfterToken, lockOnTable, nodeBody, quoted, tableAlterCommands, tokenIndexAt, type Statement, type TextEdit } from './kit/index.js';

/** Inserts CONCURRENTLY after the partition's (possibly qualified) name. */
function concurrentlyEdit(s: Statement, partition: any, source: string | undefined): TextEdit | undefined {
  const tokens = codeTokens(s);
  let i = tokenIndexAt(s, partition?.location);
  if (!tokens || i === undefined) return undefined;
  while (tokens[i + 1]?.text === '.' && tokens[i + 2]) i += 2;
  return insertAfterToken(s, tokens[i], ' CONCURRENTLY', source);
}

export default defineRule({
  id: 'require-concurrent-detach-partition',
  severity: 'error',
  fixable: true,
  summary: 'DETACH PARTITION without CONCURRENTLY blocks reads and writes on the whole partitioned table (PostgreSQL 14+)',
  docs: {
    why:
      'ALTER TABLE ... DETACH PARTITION takes an ACCESS EXCLUSIVE lock on the partitioned table and on the ' +
      'partition: every query on any partition of the table waits, behind any long query already running on it. ' +
      'From PostgreSQL 14, DETACH PARTITION ... CONCURRENTLY takes only SHARE UPDATE EXCLUSIVE on both, so reads ' +
      'and writes go on. Checked only when the target version is 14 or later (there is no alternative before).',
    safe:
      'Use DETACH PARTITION ... CONCURRENTLY, alone in its ALTER TABLE, in a migration that runs outside a ' +
      'transaction. It cannot be used when the table has a DEFAULT partition. If it is interrupted, finish it with ' +
      'ALTER TABLE ... DETACH PARTITION ... FINALIZE. Partitioned tables created earlier in the same migration are ' +
      'not reported.',
    bad: 'ALTER TABLE measurements DETACH PARTITION measurements_2023;',
    good: 'ALTER TABLE measurements DETACH PARTITION measurements_2023 CONCURRENTLY;',
  },
  check(ctx) {
    const { statements, report, createdBefore, pgVersion, migration } = ctx;
    if (pgVersion < 14) return;
    for (const s of statements.of('AlterTableStmt')) {
      if (createdBefore(s).table(s.node.relation?.relname)) continue;
      const cmds = tableAlterCommands(s);
      for (const cmd of cmds) {
        const part = nodeBody(cmd.def, 'PartitionCmd');
        if (cmd.subtype !== 'AT_DetachPartition' || part?.concurrent) continue;
        const edit = cmds.length === 1 ? concurrentlyEdit(s, part?.name, migration.sources.get(s.chunk.file)) : undefined;
        const fix = edit && concurrentFix(s, ctx, edit, '; not possible when the table has a DEFAULT partition');
        report(
          s,
          `DETACH PARTITION ${quoted(part?.name)} takes ACCESS EXCLUSIVE on ${quoted(s.node.relation)} and the partition: blocks reads and writes ` +
            'on the whole partitioned table; use DETACH PARTITION ... CONCURRENTLY',
          { location: part?.name?.location, fix, lock: lockOnTable(s.node.relation, 'ACCESS EXCLUSIVE', 'catalog') },
        );
      }
    }
  },
});
