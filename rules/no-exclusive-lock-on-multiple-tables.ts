import { defineRule, locksFor, type Statement, type TableLock } from './kit/index.js';

export default defineRule({
  id: 'no-exclusive-lock-on-multiple-tables',
  severity: 'warn',
  summary: 'One transaction takes ACCESS EXCLUSIVE on several tables: all stay blocked until COMMIT',
  docs: {
    why:
      'Locks are held until the transaction ends. A transaction that alters several existing tables keeps each ' +
      'of them blocked for reads and writes from the moment it locks it until COMMIT, so the first table waits ' +
      'for all the later statements (and for each of their lock waits). Taking strong locks on several tables one ' +
      'after another is also how migrations deadlock with application transactions that use the same tables in ' +
      'another order.',
    safe:
      'Split the migration so that each transaction changes one table (one migration per table, or COMMIT between ' +
      'them in a migration that runs without a transaction), and merge several ALTER TABLE statements on the same ' +
      'table into one ALTER TABLE with several subcommands. Tables created earlier in the same migration, and ' +
      'DROP statements, are not counted.',
    bad: 'ALTER TABLE orders ADD COLUMN note text;\nALTER TABLE customers ADD COLUMN note text;',
    good: 'ALTER TABLE orders ADD COLUMN note text;\n-- customers.note comes in the next migration, V3__customers_note.sql',
    file: 'V2__notes.sql',
  },
  check({ transactions, report, createdBefore, pgVersion }) {
    for (const tx of transactions.transactions) {
      const held = new Map<string, { stmt: Statement; lock: TableLock }>();
      const alters = new Map<string, number>();
      let second: { stmt: Statement; lock: TableLock } | undefined;
      for (const s of tx.statements) {
        // A dropped table stays blocked only until it is gone: DROP is left to the drop rules.
        if (s.kind === 'DropStmt') continue;
        for (const lock of locksFor(s, pgVersion)) {
          if (lock.level !== 'ACCESS EXCLUSIVE' || lock.viaIndex || (lock.kind !== 'table' && lock.kind !== 'materialized view')) continue;
          if (createdBefore(s).table(lock.relname)) continue;
          if (s.kind === 'AlterTableStmt') alters.set(lock.table, (alters.get(lock.table) ?? 0) + 1);
          if (held.has(lock.table)) continue;
          // A single statement on several tables (TRUNCATE a, b) cannot be split by moving statements: not counted alone.
          if (!second && [...held.values()].some((h) => h.stmt !== s)) second = { stmt: s, lock };
          held.set(lock.table, { stmt: s, lock });
        }
      }
      if (!second) continue;
      const first = [...held.values()].find((h) => h.stmt !== second!.stmt)!;
      const others = held.size > 2 ? ` (${held.size} tables in all)` : '';
      const merge = [...alters.values()].some((n) => n > 1) ? '; merge the ALTER TABLE statements on one table into a single ALTER TABLE' : '';
      report(
        second.stmt,
        `takes ACCESS EXCLUSIVE on "${second.lock.table}" while the same transaction already holds it on "${first.lock.table}" ` +
          `(line ${first.stmt.range.start.line})${others}: both stay blocked for reads and writes until COMMIT; ` +
          `split the migration so each table is locked in its own transaction${merge}`,
        { location: second.lock.location },
      );
    }
  },
});
