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
    { sql: "UPDATE users SET plan = 'free';", line: 1, column: 1, message: /users/ },
    { sql: 'UPDATE orders o SET total = s.total FROM sums s;', line: 1, column: 1 },
    { sql: 'WITH x AS (UPDATE t SET a = 1 RETURNING *) SELECT * FROM x;', line: 1, column: 19 },
  ],
});
