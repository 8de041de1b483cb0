import { defineRule } from './kit/index.js';

export default defineRule({
  id: 'unclosed-transaction',
  severity: 'error',
  summary: 'BEGIN with no COMMIT: the migration ends inside an open transaction',
  docs: {
    why:
      'A transaction the migration opens and never commits ends when the connection closes, and PostgreSQL rolls ' +
      'it back: everything after the BEGIN is silently undone, while the migration tool may record the migration ' +
      'as applied. Until then, every lock taken after the BEGIN stays held.',
    safe:
      'End the transaction with COMMIT (or remove the BEGIN and let the migration tool manage the transaction). ' +
      'Migrations that the tool already runs in a transaction are checked by ' +
      'no-transaction-control-in-wrapped-migration instead.',
    bad: 'BEGIN;\nALTER TABLE orders ADD COLUMN note text;',
    good: 'BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;',
  },
  check({ transactions, report }) {
    for (const p of transactions.problems) {
      if (p.kind !== 'unclosed') continue;
      report(
        p.stmt,
        'this transaction is never committed: it is rolled back when the connection closes, undoing every statement after it, and holds their locks until then; end it with COMMIT',
      );
    }
  },
});
