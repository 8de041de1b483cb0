import rule from '../../rules/no-update-without-where.js';
import { ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    "UPDATE users SET plan = 'free' WHERE plan IS NULL;",
    'UPDATE orders o SET total = s.total FROM sums s WHERE s.id = o.id;',
    "SELECT 'UPDATE users SET a = 1';",
    'CREATE TABLE t (a int);\nUPDATE t SET a = 1;',
  ],
  invalid: [
    {
      sql: "UPDATE users SET plan = 'free';",
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 31,
      message: 'UPDATE users has no WHERE clause: it rewrites every row',
    },
    {
      sql: 'UPDATE orders o SET total = s.total FROM sums s;',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 48,
      message: 'UPDATE orders has no WHERE clause: it rewrites every row',
    },
    {
      sql: 'WITH x AS (UPDATE t SET a = 1 RETURNING *) SELECT * FROM x;',
      line: 1,
      column: 19,
      endLine: 1,
      endColumn: 20,
      message: 'UPDATE t has no WHERE clause: it rewrites every row',
    },
  ],
});
