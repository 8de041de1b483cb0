import { expect, it } from 'vitest';
import rule from '../../rules/no-drop-table.js';
import { findingsOf, ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    'CREATE TABLE import_tmp (id bigint);\nDROP TABLE import_tmp;',
    'CREATE TABLE s.copy AS SELECT * FROM orders;\nDROP TABLE s.copy;',
    'DROP INDEX CONCURRENTLY idx;',
    'DROP VIEW v;',
    'DROP SCHEMA s;',
  ],
  invalid: [
    {
      sql: 'DROP TABLE invoices;',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 20,
      message: 'dropping table invoices deletes its data and breaks code that still uses it',
    },
    { sql: 'SELECT 1;\n  DROP TABLE IF EXISTS public.a, b;', line: 2, column: 3, endLine: 2, endColumn: 35, message: /tables public\.a, b deletes their data/ },
    { sql: 'CREATE TABLE a (id int);\nDROP TABLE a, b;', line: 2, column: 1, endLine: 2, endColumn: 16, message: /table b deletes its/ },
  ],
});

it('in a down migration, does not report dropping what the up created', async () => {
  const sql = '-- migrate:up\nCREATE TABLE audit (id bigint);\n-- migrate:down\nDROP TABLE audit;\nDROP TABLE users;\n';
  const found = await findingsOf(rule, sql, 'db/migrations/20240101000000_audit.sql');
  expect(found.map((f) => f.range.start.line)).toEqual([5]);
});

it('does not guess about a down file linted without its up', async () => {
  const found = await findingsOf(rule, 'DROP TABLE audit;\n', 'migrations/000001_audit.down.sql');
  expect(found).toEqual([]);
});

it('docs examples: bad is reported, good is not', async () => {
  expect((await findingsOf(rule, rule.docs.bad)).length).toBeGreaterThan(0);
  expect(await findingsOf(rule, rule.docs.good)).toEqual([]);
});
