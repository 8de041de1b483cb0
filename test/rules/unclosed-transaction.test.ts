import rule from '../../rules/unclosed-transaction.js';
import { ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    'BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;',
    'START TRANSACTION;\nSELECT 1;\nEND;',
    'BEGIN;\nSELECT 1;\nROLLBACK;',
    'BEGIN;\nSELECT 1;\nABORT;',
    'ALTER TABLE orders ADD COLUMN note text;',
    // In a migration the tool wraps, the tool commits (other rule).
    { sql: 'BEGIN;\nSELECT 1;', options: { transaction: true } },
    // PL/pgSQL BEGIN is a block, not a transaction.
    'DO $$ BEGIN PERFORM 1; END $$;',
  ],
  invalid: [
    {
      sql: 'BEGIN;\nALTER TABLE orders ADD COLUMN note text;',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 6,
      message: 'this transaction is never committed: it is rolled back when the connection closes, undoing every statement after it, and holds their locks until then; end it with COMMIT',
    },
    {
      sql: 'BEGIN;\nSELECT 1;\nCOMMIT;\nSTART TRANSACTION;\nSELECT 2;',
      line: 4,
      column: 1,
      endLine: 4,
      endColumn: 18,
      message: 'this transaction is never committed: it is rolled back when the connection closes, undoing every statement after it, and holds their locks until then; end it with COMMIT',
    },
    {
      sql: 'BEGIN;\nSELECT 1;',
      options: { transaction: false },
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 6,
      message: 'this transaction is never committed: it is rolled back when the connection closes, undoing every statement after it, and holds their locks until then; end it with COMMIT',
    },
    // COMMIT AND CHAIN opens the next transaction right away.
    {
      sql: 'BEGIN;\nSELECT 1;\nCOMMIT AND CHAIN;\nSELECT 2;',
      line: 3,
      column: 1,
      endLine: 3,
      endColumn: 17,
      message: 'this transaction is never committed: it is rolled back when the connection closes, undoing every statement after it, and holds their locks until then; end it with COMMIT',
    },
  ],
});
