import rule from '../../rules/no-exclusive-lock-on-multiple-tables.js';
import { ruleCases } from '../helpers/rule-cases.js';

const two = 'ALTER TABLE orders ADD COLUMN note text;\nALTER TABLE customers ADD COLUMN note text;';

ruleCases(rule, {
  valid: [
    // Each statement commits on its own.
    { sql: two, options: { transaction: false } },
    // Unknown transaction handling.
    two,
    `BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;\nBEGIN;\nALTER TABLE customers ADD COLUMN note text;\nCOMMIT;`,
    // Several changes to one table.
    { sql: 'ALTER TABLE orders ADD COLUMN a text;\nALTER TABLE orders ADD COLUMN b text;', options: { transaction: true } },
    // New tables are not counted.
    { sql: 'CREATE TABLE customers (id int);\nALTER TABLE orders ADD COLUMN note text;\nALTER TABLE customers ADD COLUMN note text;', options: { transaction: true } },
    // Weaker locks.
    { sql: 'CREATE INDEX a_idx ON orders (a);\nCREATE INDEX b_idx ON customers (b);', options: { transaction: true } },
    // Dropping tables (a down migration, say).
    { sql: 'DROP TABLE memberships;\nDROP TABLE teams;', options: { transaction: true } },
    // One statement on two tables: nothing to split by moving statements.
    { sql: 'TRUNCATE orders, customers;', options: { transaction: true } },
  ],
  invalid: [
    {
      sql: two,
      options: { transaction: true },
      line: 2,
      column: 13,
      endLine: 2,
      endColumn: 22,
      message: 'takes ACCESS EXCLUSIVE on "customers" while the same transaction already holds it on "orders" (line 1): both stay blocked for reads and writes until COMMIT; split the migration so each table is locked in its own transaction',
    },
    {
      sql: 'BEGIN;\nALTER TABLE orders ADD COLUMN a text;\nALTER TABLE orders ADD COLUMN b text;\nTRUNCATE old_orders;\nALTER TABLE items ADD COLUMN c text;\nCOMMIT;',
      line: 4,
      column: 10,
      endLine: 4,
      endColumn: 20,
      message: /\(3 tables in all\).*merge the ALTER TABLE statements/,
    },
    {
      sql: two,
      filename: 'V5__notes.sql',
      line: 2,
      column: 13,
      endLine: 2,
      endColumn: 22,
      message: 'takes ACCESS EXCLUSIVE on "customers" while the same transaction already holds it on "orders" (line 1): both stay blocked for reads and writes until COMMIT; split the migration so each table is locked in its own transaction',
    },
    // A DO block is one transaction.
    {
      sql: `DO $$ BEGIN\n${two}\nEND $$;`,
      options: { transaction: false },
      line: 3,
      column: 13,
      endLine: 3,
      endColumn: 22,
      message: 'takes ACCESS EXCLUSIVE on "customers" while the same transaction already holds it on "orders" (line 2): both stay blocked for reads and writes until COMMIT; split the migration so each table is locked in its own transaction',
    },
  ],
});
