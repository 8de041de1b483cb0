import { defineRule, hasOption, lockOnTable, qualifiedName } from './kit/index.js';

function isFull(node: any): boolean {
  return node.is_vacuumcmd && hasOption(node.options, 'full');
}

export default defineRule({
  id: 'no-vacuum-full',
  severity: 'error',
  summary: 'VACUUM FULL rewrites each table under ACCESS EXCLUSIVE, blocking reads and writes',
  docs: {
    why:
      'VACUUM FULL writes a new copy of the table and of all its indexes while holding an ACCESS EXCLUSIVE lock: ' +
      'every query on the table waits for the whole rewrite, and it needs disk space for the second copy. Without ' +
      'a table name it does this to every table of the database. Like every VACUUM, it also fails inside a transaction block.',
    safe:
      'Plain VACUUM (SHARE UPDATE EXCLUSIVE: reads and writes go on) makes dead space reusable, which is usually ' +
      'enough. To give space back to the operating system without blocking, use an online tool such as pg_repack ' +
      'or pg_squeeze, outside migrations. Tables created earlier in the same migration are not reported.',
    bad: 'VACUUM FULL orders;',
    good: 'VACUUM (ANALYZE) orders;',
  },
  check({ statements, report, createdBefore }) {
    for (const s of statements.of('VacuumStmt')) {
      if (!isFull(s.node)) continue;
      const rels = (s.node.rels ?? []).map((r: any) => r.VacuumRelation?.relation).filter(Boolean);
      const live = rels.filter((r: any) => !createdBefore(s).table(r.relname));
      if (rels.length > 0 && live.length === 0) continue;
      const on = live.length ? live.map((r: any) => `"${qualifiedName(r)}"`).join(', ') : 'every table of the database';
      report(s, `VACUUM FULL takes ACCESS EXCLUSIVE on ${on}: blocks reads and writes while each table and its indexes are rewritten; use plain VACUUM, or pg_repack outside the migration`, {
        lock: live.length === 1 ? lockOnTable(live[0], 'ACCESS EXCLUSIVE', 'rewrite') : undefined,
      });
    }
  },
});
