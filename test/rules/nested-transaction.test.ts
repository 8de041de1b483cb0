import rule from '../../rules/nested-transaction.js';
import { ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    'BEGIN;\nSELECT 1;\nCOMMIT;\nBEGIN;\nSELECT 2;\nCOMMIT;',
    'BEGIN;\nSAVEPOINT a;\nSELECT 1;\nRELEASE SAVEPOINT a;\nCOMMIT;',
    'DO $$ BEGIN BEGIN PERFORM 1; END; END $$;',
    // Inside the tool's transaction: reported by no-transaction-control-in-wrapped-migration instead.
    { sql: 'BEGIN;\nSELECT 1;\nCOMMIT;', options: { transaction: true } },
  ],
  invalid: [
    {
      sql: 'BEGIN;\nCREATE TABLE a (id int);\nBEGIN;\nCREATE TABLE b (id int);\nCOMMIT;\nCOMMIT;',
      line: 3,
      column: 1,
      endLine: 3,
      endColumn: 6,
      message: 'BEGIN inside the transaction opened on line 1: PostgreSQL ignores it with a warning, and the first COMMIT ends the outer transaction, so what follows runs outside any transaction',
    },
    {
      sql: 'START TRANSACTION;\nSTART TRANSACTION;\nBEGIN;\nCOMMIT;',
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 18,
      count: 2,
      message: /inside the transaction opened on line 1: PostgreSQL ignores it with a warning/,
    },
  ],
});
