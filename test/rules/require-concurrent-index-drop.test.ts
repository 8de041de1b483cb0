import rule from '../../rules/require-concurrent-index-drop.js';
import { ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    'DROP INDEX CONCURRENTLY idx;',
    'DROP INDEX CONCURRENTLY IF EXISTS public.idx;',
    'CREATE INDEX CONCURRENTLY idx ON t (a);\nDROP INDEX idx;',
    'DROP TABLE t;',
    // A down dropping the index its up created, together with the index's table.
    {
      sql: '-- migrate:up\nCREATE TABLE t (a int);\nCREATE INDEX t_a_idx ON t (a);\n-- migrate:down\nDROP INDEX t_a_idx;\nDROP TABLE t;\n',
      filename: 'db/20240101_t.sql',
    },
  ],
  invalid: [
    {
      sql: 'DROP INDEX idx;',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 15,
      message: 'DROP INDEX idx without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table: reads and writes wait',
      output: 'DROP INDEX CONCURRENTLY idx;',
    },
    { sql: 'DROP INDEX IF EXISTS public.idx_a, idx_b;', line: 1, column: 1, endLine: 1, endColumn: 41, message: /public\.idx_a, idx_b/, output: null },
    // The down keeps the table: dropping the index locks it.
    {
      sql: '-- migrate:up\nCREATE INDEX t_a_idx ON t (a);\n-- migrate:down\nDROP INDEX t_a_idx;\n',
      filename: 'db/20240101_t.sql',
      line: 4,
      column: 1,
      endLine: 4,
      endColumn: 19,
      message: 'DROP INDEX t_a_idx without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table: reads and writes wait',
      output: null,
    },
    // No fix where CONCURRENTLY would make the statement fail: in a transaction, with CASCADE.
    {
      sql: 'DROP INDEX idx;',
      options: { transaction: true },
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 15,
      message: 'DROP INDEX idx without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table: reads and writes wait',
      output: null,
    },
    {
      sql: 'DROP INDEX idx CASCADE;',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 23,
      message: 'DROP INDEX idx without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table: reads and writes wait',
      output: null,
    },
  ],
});
