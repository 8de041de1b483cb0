import rule from '../../rules/no-delete-without-where.js';
import { ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    'DELETE FROM sessions WHERE expires_at < now();',
    'DELETE FROM orders o USING customers c WHERE o.customer_id = c.id AND c.deleted;',
    "SELECT 'DELETE FROM x';",
    '-- DELETE FROM x;\nSELECT 1;',
    'CREATE TABLE tmp_ids (id bigint);\nDELETE FROM tmp_ids;',
    'WITH gone AS (DELETE FROM jobs WHERE done RETURNING id) SELECT count(*) FROM gone;',
  ],
  invalid: [
    { sql: 'DELETE FROM sessions;', line: 1, column: 1, endLine: 1, endColumn: 21, message: 'DELETE FROM sessions has no WHERE clause: it removes every row' },
    { sql: 'SELECT 1;\n\nDELETE FROM public.sessions RETURNING id;', line: 3, column: 1, endLine: 3, endColumn: 41, message: /public\.sessions/ },
    { sql: 'WITH gone AS (DELETE FROM jobs RETURNING id)\nSELECT count(*) FROM gone;', line: 1, column: 27, endLine: 1, endColumn: 31, message: /jobs/ },
    {
      sql: 'DELETE FROM a; DELETE FROM b;',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 14,
      count: 2,
      message: 'DELETE FROM a has no WHERE clause: it removes every row',
    },
  ],
});
