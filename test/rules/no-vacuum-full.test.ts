import rule from '../../rules/no-vacuum-full.js';
import { ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    'VACUUM orders;',
    'VACUUM (ANALYZE) orders;',
    'VACUUM (FULL false) orders;',
    'ANALYZE orders;',
    'CREATE TABLE staging (id int);\nVACUUM FULL staging;',
  ],
  invalid: [
    {
      sql: 'VACUUM FULL orders;',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 19,
      message: 'VACUUM FULL takes ACCESS EXCLUSIVE on "orders": blocks reads and writes while each table and its indexes are rewritten; use plain VACUUM, or pg_repack outside the migration',
    },
    { sql: 'VACUUM (FULL, ANALYZE) orders, app.items;', line: 1, column: 1, endLine: 1, endColumn: 41, message: /"orders", "app\.items"/ },
    { sql: 'VACUUM FULL;', line: 1, column: 1, endLine: 1, endColumn: 12, message: /every table of the database/ },
    { sql: 'CREATE TABLE staging (id int);\nVACUUM FULL staging, orders;', line: 2, column: 1, endLine: 2, endColumn: 28, message: /on "orders":/ },
  ],
});
