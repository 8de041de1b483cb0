import { expect, it } from 'vitest';
import rule from '../../rules/prefer-text-over-char.js';
import { findingsOf, ruleCases, type InvalidCase } from '../helpers/rule-cases.js';

// A style rule, off in `recommended`: every case turns it on explicitly.
const on = { rules: { 'prefer-text-over-char': 'warn' as const } };
const valid = (list: string[]) => list.map((sql) => ({ sql, options: on }));
const invalid = (list: InvalidCase[]) => list.map((c) => ({ ...c, options: on }));

ruleCases(rule, {
  valid: valid([
    'CREATE TABLE t (code text, v varchar(3));',
    'CREATE TABLE t (flag "char");',
    "SELECT 'a'::char(3);",
    'ALTER TABLE t ADD COLUMN c varchar;',
  ]),
  invalid: invalid([
    {
      sql: 'CREATE TABLE countries (code char(2) PRIMARY KEY);',
      line: 1,
      column: 30,
      endLine: 1,
      endColumn: 34,
      message: 'column countries.code is char(2), blank-padded to a fixed length: use text (with a CHECK on the length if needed)',
    },
    {
      sql: 'CREATE TABLE t (a character(5), b char, c bpchar(3));',
      line: 1,
      column: 19,
      endLine: 1,
      endColumn: 28,
      count: 3,
      message: 'column t.a is char(5), blank-padded to a fixed length: use text (with a CHECK on the length if needed)',
    },
    { sql: 'SELECT 1;\nALTER TABLE t ADD COLUMN c CHARACTER(10);', line: 2, column: 28, endLine: 2, endColumn: 37, message: /char\(10\)/ },
    {
      sql: 'ALTER TABLE t ALTER COLUMN c TYPE char(4);',
      line: 1,
      column: 35,
      endLine: 1,
      endColumn: 39,
      message: 'column t.c is char(4), blank-padded to a fixed length: use text (with a CHECK on the length if needed)',
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
