import { defineRule, transactionControl } from './kit/index.js';

export default defineRule({
  id: 'no-transaction-control-in-wrapped-migration',
  severity: 'error',
  summary: 'BEGIN / COMMIT / ROLLBACK in a migration the tool already runs in a transaction',
  docs: {
    why:
      'Tools such as Flyway, goose, dbmate and diesel run each migration inside a transaction of their own. A ' +
      'BEGIN in the file is then ignored with a warning, and a COMMIT or ROLLBACK ends the tool\'s transaction ' +
      'early: the statements after it run outside any transaction (a failure leaves the migration half applied), ' +
      'and the tool\'s own COMMIT finds no transaction. ROLLBACK silently discards the work before it, while the ' +
      'tool records the migration as applied.',
    safe:
      'Remove the transaction control and let the tool manage the transaction. If part of the migration must run ' +
      'outside a transaction (CREATE INDEX CONCURRENTLY), move it to a migration the tool runs without one ' +
      '(goose: -- +goose NO TRANSACTION; dbmate: transaction:false; Flyway: executeInTransaction=false). ' +
      'SAVEPOINTs are fine and not reported.',
    bad: 'BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;',
    good: 'ALTER TABLE orders ADD COLUMN note text;',
    file: 'V2__add_note.sql',
  },
  check({ transactions, report, section, migration }) {
    const tx =
      section.transaction === true
        ? `the transaction ${migration.format} runs this migration in`
        : 'the transaction this migration runs in (transaction setting)';
    for (const p of transactions.problems) {
      if (p.kind !== 'control-in-wrapped') continue;
      let message: string;
      if (transactionControl(p.stmt) === 'open') {
        message = `BEGIN is ignored (with a warning) inside ${tx}, and the COMMIT that goes with it ends that transaction early`;
      } else if (p.stmt.node?.kind === 'TRANS_STMT_ROLLBACK') {
        message = `ROLLBACK ends ${tx} early, discarding the work before it; what follows runs outside any transaction`;
      } else {
        message = `${p.stmt.node?.kind === 'TRANS_STMT_PREPARE' ? 'PREPARE TRANSACTION' : 'COMMIT'} ends ${tx} early: what follows runs outside any transaction, and a failure leaves the migration half applied`;
      }
      report(p.stmt, `${message}; remove it`);
    }
  },
});
