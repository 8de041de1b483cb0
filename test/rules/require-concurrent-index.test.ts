import rule from '../../rules/require-concurrent-index.js';
import { ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    'CREATE INDEX CONCURRENTLY idx ON orders (customer_id);',
    'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS idx ON orders (customer_id);',
    'CREATE TABLE orders (id bigint, customer_id bigint);\nCREATE INDEX idx ON orders (customer_id);',
    'CREATE TABLE app.orders (id bigint);\nCREATE INDEX idx ON app.orders (id);',
    "SELECT 'CREATE INDEX i ON t (a)';",
  ],
  invalid: [
    {
      sql: 'CREATE INDEX idx ON orders (customer_id);',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 41,
      message: 'CREATE INDEX on orders without CONCURRENTLY takes a SHARE lock: writes to the table wait until the index is built',
      output: 'CREATE INDEX CONCURRENTLY idx ON orders (customer_id);',
    },
    {
      sql: 'SELECT 1;\n  CREATE UNIQUE INDEX idx ON orders (customer_id);',
      line: 2,
      column: 3,
      endLine: 2,
      endColumn: 50,
      message: /UNIQUE INDEX on orders/,
      output: 'SELECT 1;\n  CREATE UNIQUE INDEX CONCURRENTLY idx ON orders (customer_id);',
    },
    {
      sql: 'CREATE INDEX a ON t1 (x);\nCREATE TABLE t2 (x int);\nCREATE INDEX b ON t2 (x);',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 25,
      count: 1,
      message: 'CREATE INDEX on t1 without CONCURRENTLY takes a SHARE lock: writes to the table wait until the index is built',
      output: 'CREATE INDEX CONCURRENTLY a ON t1 (x);\nCREATE TABLE t2 (x int);\nCREATE INDEX b ON t2 (x);',
    },
    // The table is created later, not earlier: the index is on the live table.
    {
      sql: 'CREATE INDEX b ON t2 (x);\nCREATE TABLE t2 (x int);',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 25,
      message: 'CREATE INDEX on t2 without CONCURRENTLY takes a SHARE lock: writes to the table wait until the index is built',
      output: 'CREATE INDEX CONCURRENTLY b ON t2 (x);\nCREATE TABLE t2 (x int);',
    },
    // Inside a transaction CONCURRENTLY would make the statement fail: reported, no fix offered.
    {
      sql: 'BEGIN;\nCREATE INDEX idx ON orders (customer_id);\nCOMMIT;',
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 41,
      message: 'CREATE INDEX on orders without CONCURRENTLY takes a SHARE lock: writes to the table wait until the index is built',
      output: null,
    },
    {
      sql: 'CREATE INDEX idx ON orders (customer_id);',
      options: { transaction: true },
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 41,
      message: 'CREATE INDEX on orders without CONCURRENTLY takes a SHARE lock: writes to the table wait until the index is built',
      output: null,
    },
    // Known to run outside a transaction: the fix needs no caveat.
    {
      sql: 'CREATE INDEX idx ON orders (customer_id);',
      options: { transaction: false },
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 41,
      message: 'CREATE INDEX on orders without CONCURRENTLY takes a SHARE lock: writes to the table wait until the index is built',
      output: 'CREATE INDEX CONCURRENTLY idx ON orders (customer_id);',
    },
  ],
});
