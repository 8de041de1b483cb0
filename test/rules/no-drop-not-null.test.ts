import { expect, it } from 'vitest';
import rule from '../../rules/no-drop-not-null.js';
import { findingsOf, ruleCases } from '../helpers/rule-cases.js';

// Off in `recommended`: the cases turn the rule on explicitly.
const on = { rules: { 'no-drop-not-null': 'warn' as const } };

ruleCases(rule, {
  valid: [
    'CREATE TABLE t (a int NOT NULL);\nALTER TABLE t ALTER COLUMN a DROP NOT NULL;',
    'ALTER TABLE t ADD COLUMN b int NOT NULL DEFAULT 0;\nALTER TABLE t ALTER COLUMN b DROP NOT NULL;',
    'ALTER TABLE t ALTER COLUMN a SET NOT NULL;',
    'ALTER TABLE t ALTER COLUMN a DROP DEFAULT;',
  ].map((sql) => ({ sql, options: on })),
  invalid: [
    {
      sql: 'ALTER TABLE orders ALTER COLUMN shipped_at DROP NOT NULL;',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 57,
      message: 'DROP NOT NULL on orders.shipped_at lets NULLs in: code reading the column, and a down migration that sets NOT NULL again, may break',
      options: on,
    },
    {
      sql: 'SELECT 1;\nALTER TABLE orders ALTER a DROP NOT NULL, ALTER b DROP NOT NULL;',
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 64,
      count: 2,
      options: on,
      message: 'DROP NOT NULL on orders.a lets NULLs in: code reading the column, and a down migration that sets NOT NULL again, may break',
    },
  ],
});

it('is off in recommended and warns in strict', () => {
  expect(rule.presets).toEqual({ recommended: 'off', strict: 'warn' });
});

it('does not check down migrations, which undo the up', async () => {
  const sql = '-- migrate:up\nALTER TABLE t ALTER a SET NOT NULL;\n-- migrate:down\nALTER TABLE t ALTER a DROP NOT NULL;\n';
  expect(await findingsOf(rule, sql, 'db/migrations/20240101000000_nn.sql', on)).toEqual([]);
});

it('docs examples: bad is reported, good is not', async () => {
  expect((await findingsOf(rule, rule.docs.bad, undefined, on)).length).toBeGreaterThan(0);
  expect(await findingsOf(rule, rule.docs.good, undefined, on)).toEqual([]);
});
