import { expect, it } from 'vitest';
import rule from '../../rules/prefer-timestamptz.js';
import { findingsOf, ruleCases, type InvalidCase } from '../helpers/rule-cases.js';

// A style rule, off in `recommended`: every case turns it on explicitly.
const on = { rules: { 'prefer-timestamptz': 'warn' as const } };
const valid = (list: string[]) => list.map((sql) => ({ sql, options: on }));
const invalid = (list: InvalidCase[]) => list.map((c) => ({ ...c, options: on }));

ruleCases(rule, {
  valid: valid([
    'CREATE TABLE t (a timestamptz, b timestamp with time zone, c timestamptz(3), d date, e time);',
    "SELECT now()::timestamp;",
    'ALTER TABLE t ALTER COLUMN a TYPE timestamptz;',
  ]),
  invalid: invalid([
    {
      sql: 'ALTER TABLE orders ADD COLUMN shipped_at timestamp;',
      line: 1,
      column: 42,
      endLine: 1,
      endColumn: 51,
      message: 'column orders.shipped_at is timestamp (without time zone): use timestamptz',
    },
    {
      sql: 'CREATE TABLE t (a timestamp(3), b timestamp without time zone, c TIMESTAMP[]);',
      line: 1,
      column: 19,
      endLine: 1,
      endColumn: 28,
      count: 3,
      message: /timestamp\(3\)/,
    },
    {
      sql: 'ALTER TABLE t ALTER COLUMN a TYPE timestamp;',
      line: 1,
      column: 35,
      endLine: 1,
      endColumn: 44,
      message: 'column t.a is timestamp (without time zone): use timestamptz',
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
