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
      message: /VACUUM FULL takes ACCESS EXCLUSIVE on "orders": blocks reads and writes/,
    },
    { sql: 'VACUUM (FULL, ANALYZE) orders, app.items;', line: 1, column: 1, message: /"orders", "app\.items"/ },
    { sql: 'VACUUM FULL;', line: 1, column: 1, message: /every table of the database/ },
    { sql: 'CREATE TABLE staging (id int);\nVACUUM FULL staging, orders;', line: 2, column: 1, message: /on "orders":/ },
  ],
});
