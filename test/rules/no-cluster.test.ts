import rule from '../../rules/no-cluster.js';
import { ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    'ALTER TABLE orders CLUSTER ON orders_created_idx;',
    'CREATE TABLE orders (id int);\nCREATE INDEX orders_id_idx ON orders (id);\nCLUSTER orders USING orders_id_idx;',
    { sql: 'CREATE TABLE orders (id int);\nCLUSTER orders;', options: { transaction: true } },
  ],
  invalid: [
    {
      sql: 'CLUSTER orders USING orders_created_idx;',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 40,
      message: 'CLUSTER takes ACCESS EXCLUSIVE on "orders": blocks reads and writes while the table and its indexes are rewritten',
    },
    { sql: 'CLUSTER;', line: 1, column: 1, endLine: 1, endColumn: 8, message: /every previously clustered table/ },
    { sql: 'SELECT 1;\n  CLUSTER VERBOSE app.orders;', line: 2, column: 3, endLine: 2, endColumn: 29, message: /"app\.orders"/ },
  ],
});
