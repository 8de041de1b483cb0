import rule from '../../rules/require-concurrent-index-drop.js';
import { ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    'DROP INDEX CONCURRENTLY idx;',
    'DROP INDEX CONCURRENTLY IF EXISTS public.idx;',
    'CREATE INDEX CONCURRENTLY idx ON t (a);\nDROP INDEX idx;',
    'DROP TABLE t;',
  ],
  invalid: [
    { sql: 'DROP INDEX idx;', line: 1, column: 1, message: /ACCESS EXCLUSIVE/ },
    { sql: 'DROP INDEX IF EXISTS public.idx_a, idx_b;', line: 1, column: 1, message: /public\.idx_a, idx_b/ },
  ],
});
