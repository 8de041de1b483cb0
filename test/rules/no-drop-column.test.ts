import { expect, it } from 'vitest';
import rule from '../../rules/no-drop-column.js';
import { findingsOf, ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    'CREATE TABLE t (a int, b int);\nALTER TABLE t DROP COLUMN b;',
    'ALTER TABLE t ADD COLUMN tmp int;\nUPDATE t SET tmp = 1 WHERE tmp IS NULL;\nALTER TABLE t DROP COLUMN tmp;',
    '-- migratelint-disable-next-line no-drop-column -- unused since 4.2\nALTER TABLE users DROP COLUMN legacy_plan;',
    'ALTER TABLE t DROP CONSTRAINT t_a_check;',
    'ALTER TYPE address DROP ATTRIBUTE zip;',
  ],
  invalid: [
    {
      sql: 'ALTER TABLE users DROP COLUMN legacy_plan;',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 42,
      message: 'dropping column legacy_plan of users deletes its data and breaks code that still uses it',
    },
    {
      sql: 'ALTER TABLE IF EXISTS app.users DROP IF EXISTS a, DROP COLUMN b;',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 64,
      count: 2,
      message: /column a of app\.users/,
    },
    { sql: 'SELECT 1;\nALTER TABLE t ADD COLUMN c int, DROP COLUMN d;', line: 2, column: 1, endLine: 2, endColumn: 46, message: /column d/ },
  ],
});

it('in a down migration, does not report dropping what the up added', async () => {
  const sql =
    '-- migrate:up\nALTER TABLE users ADD COLUMN plan text;\n' +
    '-- migrate:down\nALTER TABLE users DROP COLUMN plan;\nALTER TABLE users DROP COLUMN email;\n';
  const found = await findingsOf(rule, sql, 'db/migrations/20240101000000_plan.sql');
  expect(found.map((f) => [f.range.start.line, f.message])).toEqual([[5, expect.stringMatching(/email/)]]);
});

it('docs examples: bad is reported, good is not', async () => {
  expect((await findingsOf(rule, rule.docs.bad)).length).toBeGreaterThan(0);
  expect(await findingsOf(rule, rule.docs.good)).toEqual([]);
});
