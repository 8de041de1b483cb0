import rule from '../../rules/no-transaction-control-in-wrapped-migration.js';
import { ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    // The file manages its own transaction and nothing wraps it.
    'BEGIN;\nSELECT 1;\nCOMMIT;',
    { sql: 'BEGIN;\nSELECT 1;\nCOMMIT;', options: { transaction: false } },
    { sql: '-- +goose NO TRANSACTION\n-- +goose Up\nBEGIN;\nSELECT 1;\nCOMMIT;', filename: '00003_x.sql' },
    // Savepoints are fine inside the tool's transaction.
    { sql: 'SAVEPOINT a;\nSELECT 1;\nROLLBACK TO SAVEPOINT a;\nRELEASE SAVEPOINT a;', options: { transaction: true } },
    { sql: 'ALTER TABLE orders ADD COLUMN note text;', filename: 'V4__note.sql' },
  ],
  invalid: [
    {
      sql: 'BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;',
      filename: 'V4__note.sql',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 6,
      count: 2,
      message: 'BEGIN is ignored (with a warning) inside the transaction flyway runs this migration in, and the COMMIT that goes with it ends that transaction early; remove it',
    },
    {
      sql: 'SELECT 1;\nCOMMIT;\nSELECT 2;',
      options: { transaction: true },
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 7,
      message: /COMMIT ends the transaction this migration runs in \(transaction setting\) early/,
    },
    {
      sql: '-- +goose Up\nUPDATE t SET a = 1;\nROLLBACK;',
      filename: '00005_x.sql',
      line: 3,
      column: 1,
      endLine: 3,
      endColumn: 9,
      message: /ROLLBACK ends the transaction goose runs this migration in early/,
    },
    {
      sql: '-- migrate:up\nSTART TRANSACTION;\nSELECT 1;\nEND;\n-- migrate:down\nSELECT 1;',
      filename: '20240102_x.sql',
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 18,
      count: 2,
      message: /is ignored \(with a warning\) inside the transaction dbmate runs this migration in/,
    },
  ],
});
