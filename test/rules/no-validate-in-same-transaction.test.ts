import rule from '../../rules/no-validate-in-same-transaction.js';
import { ruleCases } from '../helpers/rule-cases.js';

const add = 'ALTER TABLE orders ADD CONSTRAINT total_positive CHECK (total >= 0) NOT VALID;';
const validate = 'ALTER TABLE orders VALIDATE CONSTRAINT total_positive;';

ruleCases(rule, {
  valid: [
    // Separate transactions: explicit COMMIT between them.
    `BEGIN;\n${add}\nCOMMIT;\nBEGIN;\n${validate}\nCOMMIT;`,
    // No transaction at all: each statement commits on its own.
    { sql: `${add}\n${validate}`, options: { transaction: false } },
    { sql: `-- +goose NO TRANSACTION\n-- +goose Up\n${add}\n${validate}`, filename: '20240101000000_add_check.sql' },
    // Unknown whether the tool wraps the file: not reported.
    `${add}\n${validate}`,
    // Only the validation, the add was in an earlier migration.
    { sql: validate, options: { transaction: true } },
    // The table was created earlier in the migration: it is empty.
    { sql: `CREATE TABLE orders (total numeric);\n${add}\n${validate}`, options: { transaction: true } },
    // Another constraint, another table.
    { sql: `${add}\nALTER TABLE orders VALIDATE CONSTRAINT other;\nALTER TABLE items VALIDATE CONSTRAINT total_positive;`, options: { transaction: true } },
  ],
  invalid: [
    {
      sql: `${add}\n${validate}`,
      options: { transaction: true },
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 54,
      message: 'VALIDATE CONSTRAINT total_positive runs in the same transaction as its NOT VALID add on line 1: the ACCESS EXCLUSIVE lock that add took on "orders" is held while every row is checked; validate it in a separate transaction',
    },
    {
      sql: `BEGIN;\nALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES customers (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT fk;\nCOMMIT;`,
      line: 3,
      column: 1,
      endLine: 3,
      endColumn: 42,
      message: /SHARE ROW EXCLUSIVE/,
    },
    // flyway runs each migration in a transaction.
    {
      sql: `${add}\nSELECT 1;\n${validate}`,
      filename: 'V3__orders_check.sql',
      line: 3,
      column: 1,
      endLine: 3,
      endColumn: 54,
      message: 'VALIDATE CONSTRAINT total_positive runs in the same transaction as its NOT VALID add on line 1: the ACCESS EXCLUSIVE lock that add took on "orders" is held while every row is checked; validate it in a separate transaction',
    },
    // Both inside one DO block: one transaction.
    {
      sql: `DO $$\nBEGIN\n  ${add}\n  ${validate}\nEND $$;`,
      line: 4,
      column: 3,
      endLine: 4,
      endColumn: 56,
      message: 'VALIDATE CONSTRAINT total_positive runs in the same transaction as its NOT VALID add on line 3: the ACCESS EXCLUSIVE lock that add took on "orders" is held while every row is checked; validate it in a separate transaction',
    },
    {
      sql: 'ALTER TABLE orders ADD CONSTRAINT c CHECK (a > 0) NOT VALID, VALIDATE CONSTRAINT c;',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 83,
      message: /in the same statement/,
    },
  ],
});
