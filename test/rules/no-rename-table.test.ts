import { expect, it } from 'vitest';
import rule from '../../rules/no-rename-table.js';
import { findingsOf, ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    'CREATE TABLE staging (id bigint);\nALTER TABLE staging RENAME TO imports;',
    // The compatibility view keeps the old name working.
    'ALTER TABLE customers RENAME TO clients;\nCREATE VIEW customers AS SELECT * FROM clients;',
    'ALTER TABLE app.customers SET SCHEMA crm;\nCREATE VIEW app.customers AS SELECT * FROM crm.customers;',
    'ALTER TABLE users RENAME COLUMN name TO full_name;',
    'ALTER INDEX users_pkey RENAME TO users_id_pkey;',
    'ALTER TABLE users RENAME CONSTRAINT c1 TO c2;',
    "SELECT 'ALTER TABLE a RENAME TO b';",
  ],
  invalid: [
    {
      sql: 'ALTER TABLE customers RENAME TO clients;',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 40,
      message: 'renaming table customers to clients breaks every query that still uses the name customers, such as those of the application already running',
    },
    {
      sql: 'SELECT 1;\nALTER TABLE IF EXISTS public.customers RENAME TO clients;',
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 57,
      message: /public\.customers/,
    },
    { sql: 'ALTER TABLE customers SET SCHEMA crm;', line: 1, column: 1, endLine: 1, endColumn: 37, message: /moving table customers to schema crm/ },
    // A view created BEFORE the rename does not keep the name (it would fail anyway).
    {
      sql: 'CREATE VIEW customers_v AS SELECT 1;\nALTER TABLE customers RENAME TO clients;',
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 40,
      message: 'renaming table customers to clients breaks every query that still uses the name customers, such as those of the application already running',
    },
    {
      sql: 'ALTER TABLE a RENAME TO b;\nCREATE TABLE a (id bigint);\nALTER TABLE a RENAME TO c;',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 26,
      count: 1,
      message: 'renaming table a to b breaks every query that still uses the name a, such as those of the application already running',
    },
  ],
});

it('does not check down migrations, which undo the up', async () => {
  const sql = '-- migrate:up\nALTER TABLE a RENAME TO b;\n-- migrate:down\nALTER TABLE b RENAME TO a;\n';
  const found = await findingsOf(rule, sql, 'db/migrations/20240101000000_rename.sql');
  expect(found.map((f) => f.range.start.line)).toEqual([2]);
});

it('docs examples: bad is reported, good is not', async () => {
  expect((await findingsOf(rule, rule.docs.bad)).length).toBeGreaterThan(0);
  expect(await findingsOf(rule, rule.docs.good)).toEqual([]);
});
