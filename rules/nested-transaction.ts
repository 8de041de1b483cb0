import { defineRule } from './kit/index.js';

export default defineRule({
  id: 'nested-transaction',
  severity: 'warn',
  summary: 'BEGIN inside an open transaction is ignored, and the first COMMIT ends the outer one',
  docs: {
    why:
      'PostgreSQL has no nested transactions: a BEGIN while a transaction is open only prints "there is already ' +
      'a transaction in progress". The first COMMIT then commits the outer transaction, so the statements after ' +
      'it run outside any transaction, and the second COMMIT only warns "there is no transaction in progress". ' +
      'The migration is not the all-or-nothing unit it looks like.',
    safe:
      'Remove the inner BEGIN/COMMIT pair, or use SAVEPOINT name / RELEASE SAVEPOINT name (ROLLBACK TO SAVEPOINT ' +
      'to undo part of a transaction).',
    bad: 'BEGIN;\nCREATE TABLE a (id int);\nBEGIN;\nCREATE TABLE b (id int);\nCOMMIT;\nCOMMIT;',
    good: 'BEGIN;\nCREATE TABLE a (id int);\nCREATE TABLE b (id int);\nCOMMIT;',
  },
  check({ transactions, report }) {
    for (const p of transactions.problems) {
      if (p.kind !== 'nested-begin') continue;
      const line = p.opener ? ` opened on line ${p.opener.range.start.line}` : '';
      report(
        p.stmt,
        `BEGIN inside the transaction${line}: PostgreSQL ignores it with a warning, and the first COMMIT ends the outer transaction, so what follows runs outside any transaction`,
      );
    }
  },
});
