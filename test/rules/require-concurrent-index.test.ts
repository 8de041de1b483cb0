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
    { sql: 'CREATE INDEX idx ON orders (customer_id);', line: 1, column: 1, message: /SHARE lock/ },
    { sql: 'SELECT 1;\n  CREATE UNIQUE INDEX idx ON orders (customer_id);', line: 2, column: 3, message: /UNIQUE INDEX on orders/ },
    { sql: 'CREATE INDEX a ON t1 (x);\nCREATE TABLE t2 (x int);\nCREATE INDEX b ON t2 (x);', line: 1, column: 1, count: 1 },
    // The table is created later, not earlier: the index is on the live table.
    { sql: 'CREATE INDEX b ON t2 (x);\nCREATE TABLE t2 (x int);', line: 1, column: 1 },
  ],
});
