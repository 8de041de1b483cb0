import { expect, it } from 'vitest';
import rule from '../../rules/prefer-text-over-varchar.js';
import { findingsOf, ruleCases, type InvalidCase } from '../helpers/rule-cases.js';

// A style rule, off in `recommended`: every case turns it on explicitly.
const on = { rules: { 'prefer-text-over-varchar': 'warn' as const } };
const valid = (list: string[]) => list.map((sql) => ({ sql, options: on }));
const invalid = (list: InvalidCase[]) => list.map((c) => ({ ...c, options: on }));

ruleCases(rule, {
  valid: valid([
    'CREATE TABLE t (a text, b varchar, c character varying);',
    'CREATE TABLE t (a char(3));',
    "SELECT 'a'::varchar(3);",
    'CREATE TABLE t (a app.varchar(3));',
  ]),
  invalid: invalid([
    {
      sql: 'CREATE TABLE users (id bigint, email varchar(255) NOT NULL);',
      line: 1,
      column: 38,
      endLine: 1,
      endColumn: 45,
      message: 'column users.email is varchar(255): use text, with a CHECK on the length if the limit matters',
    },
    {
      sql: 'ALTER TABLE users ADD COLUMN name character varying(100), ADD COLUMN nick varchar(20)[];',
      line: 1,
      column: 35,
      endLine: 1,
      endColumn: 44,
      count: 2,
      message: 'column users.name is varchar(100): use text, with a CHECK on the length if the limit matters',
    },
    {
      sql: 'ALTER TABLE users ALTER COLUMN email TYPE varchar(320);',
      line: 1,
      column: 43,
      endLine: 1,
      endColumn: 50,
      message: 'column users.email is varchar(320): use text, with a CHECK on the length if the limit matters',
    },
  ]),
});

it('is off in recommended and warns in strict', () => {
  expect(rule.presets).toEqual({ recommended: 'off', strict: 'warn' });
});

it('docs examples: bad is reported, good is not', async () => {
  expect((await findingsOf(rule, rule.docs.bad, undefined, on)).length).toBeGreaterThan(0);
  expect(await findingsOf(rule, rule.docs.good, undefined, on)).toEqual([]);
});
