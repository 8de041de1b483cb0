import { expect, it } from 'vitest';
import rule from '../../rules/no-rename-column.js';
import { findingsOf, ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    'CREATE TABLE people (name text);\nALTER TABLE people RENAME COLUMN name TO full_name;',
    'ALTER TABLE users ADD COLUMN nick text;\nALTER TABLE users RENAME COLUMN nick TO nickname;',
    'ALTER TABLE users RENAME TO accounts;',
    'ALTER TABLE users RENAME CONSTRAINT users_email_key TO users_email_uniq;',
    'ALTER TYPE address RENAME ATTRIBUTE zip TO postal_code;',
  ],
  invalid: [
    {
      sql: 'ALTER TABLE users RENAME COLUMN name TO full_name;',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 50,
      message: 'renaming column name of table users to full_name breaks every query that still uses name, such as those of the application already running',
    },
    { sql: 'SELECT 1;\n  ALTER TABLE public.users RENAME name TO full_name;', line: 2, column: 3, endLine: 2, endColumn: 52, message: /public\.users/ },
    { sql: 'ALTER VIEW active_users RENAME COLUMN name TO full_name;', line: 1, column: 1, endLine: 1, endColumn: 56, message: /view active_users/ },
    // The column of a table from an earlier migration, even after an ADD of another column.
    {
      sql: 'ALTER TABLE users ADD COLUMN nick text;\nALTER TABLE users RENAME COLUMN name TO nick2;',
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 46,
      message: 'renaming column name of table users to nick2 breaks every query that still uses name, such as those of the application already running',
    },
  ],
});

it('does not check down migrations, which undo the up', async () => {
  const sql = '-- migrate:up\nALTER TABLE t RENAME a TO b;\n-- migrate:down\nALTER TABLE t RENAME b TO a;\n';
  const found = await findingsOf(rule, sql, 'db/migrations/20240101000000_rename.sql');
  expect(found.map((f) => f.range.start.line)).toEqual([2]);
});

it('docs examples: bad is reported, good is not', async () => {
  expect((await findingsOf(rule, rule.docs.bad)).length).toBeGreaterThan(0);
  expect(await findingsOf(rule, rule.docs.good)).toEqual([]);
});
