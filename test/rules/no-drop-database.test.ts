import { expect, it } from 'vitest';
import rule from '../../rules/no-drop-database.js';
import { findingsOf, ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    'DROP TABLE t;',
    'DROP SCHEMA s;',
    'CREATE DATABASE scratch;\nDROP DATABASE scratch;',
    "SELECT 'DROP DATABASE x';",
  ],
  invalid: [
    {
      sql: 'DROP DATABASE app;',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 18,
      message: 'DROP DATABASE app deletes the whole database; a migration should never do this',
    },
    {
      sql: 'SELECT 1;\nDROP DATABASE IF EXISTS app WITH (FORCE);',
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 41,
      message: 'DROP DATABASE app deletes the whole database; a migration should never do this',
    },
  ],
});

it('reports a down migration too, unless it drops what the up created', async () => {
  const sql = '-- migrate:up\nCREATE DATABASE a;\n-- migrate:down\nDROP DATABASE a;\nDROP DATABASE b;\n';
  const found = await findingsOf(rule, sql, 'db/migrations/20240101000000_db.sql');
  expect(found.map((f) => f.range.start.line)).toEqual([5]);
});

it('docs examples: bad is reported, good is not', async () => {
  expect((await findingsOf(rule, rule.docs.bad)).length).toBeGreaterThan(0);
  expect(await findingsOf(rule, rule.docs.good)).toEqual([]);
});

it('reports a down file linted on its own', async () => {
  const found = await findingsOf(rule, 'DROP DATABASE app;\n', 'migrations/000001_app.down.sql');
  expect(found.length).toBe(1);
});
