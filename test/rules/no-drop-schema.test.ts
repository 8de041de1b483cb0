import { expect, it } from 'vitest';
import rule from '../../rules/no-drop-schema.js';
import { findingsOf, ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    'CREATE SCHEMA scratch;\nDROP SCHEMA scratch CASCADE;',
    'DROP TABLE reporting.t;',
    'DROP DATABASE IF EXISTS x;',
    "SELECT 'DROP SCHEMA x';",
  ],
  invalid: [
    {
      sql: 'DROP SCHEMA reporting CASCADE;',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 30,
      message: 'DROP SCHEMA reporting with CASCADE deletes every object in it and every object depending on them',
    },
    { sql: 'DROP SCHEMA IF EXISTS reporting;', line: 1, column: 1, endLine: 1, endColumn: 32, message: /fails unless it is empty/ },
    { sql: 'CREATE SCHEMA a;\nDROP SCHEMA a, b;', line: 2, column: 1, endLine: 2, endColumn: 17, message: /DROP SCHEMA b deletes/ },
  ],
});

it('in a down migration, does not report dropping a schema the up created', async () => {
  const sql = '-- migrate:up\nCREATE SCHEMA billing;\n-- migrate:down\nDROP SCHEMA billing;\nDROP SCHEMA public;\n';
  const found = await findingsOf(rule, sql, 'db/migrations/20240101000000_schema.sql');
  expect(found.map((f) => f.range.start.line)).toEqual([5]);
});

it('docs examples: bad is reported, good is not', async () => {
  expect((await findingsOf(rule, rule.docs.bad)).length).toBeGreaterThan(0);
  expect(await findingsOf(rule, rule.docs.good)).toEqual([]);
});
