import { expect, it } from 'vitest';
import rule from '../../rules/no-rewriting-column-type-change.js';
import { findingsOf, ruleCases } from '../helpers/rule-cases.js';

const created = (cols: string, alter: string) => `CREATE TABLE t (${cols});\n${alter}`;
// A table from an earlier migration, with a column ADDed by this one: the type is known.
const added = (col: string, alter: string) => `ALTER TABLE t ADD COLUMN ${col};\n${alter}`;

ruleCases(rule, {
  valid: [
    // Current type unknown, target text / unbounded varchar: taken as a widening.
    'ALTER TABLE users ALTER COLUMN email TYPE text;',
    'ALTER TABLE users ALTER COLUMN email SET DATA TYPE varchar;',
    'ALTER TABLE users ALTER COLUMN email TYPE character varying USING email;',
    // Known current type, catalog-only changes.
    added('c varchar(10)', 'ALTER TABLE t ALTER COLUMN c TYPE text;'),
    added('c varchar(10)', 'ALTER TABLE t ALTER COLUMN c TYPE varchar(20);'),
    added('c varchar(10)', 'ALTER TABLE t ALTER COLUMN c TYPE varchar(10);'),
    added('c varchar(10)', 'ALTER TABLE t ALTER COLUMN c TYPE varchar;'),
    added('c text', 'ALTER TABLE t ALTER COLUMN c TYPE varchar;'),
    added('c numeric(10,2)', 'ALTER TABLE t ALTER COLUMN c TYPE numeric(12,2);'),
    added('c numeric(10,2)', 'ALTER TABLE t ALTER COLUMN c TYPE numeric;'),
    added('c numeric(10)', 'ALTER TABLE t ALTER COLUMN c TYPE decimal(14,0);'),
    added('c cidr', 'ALTER TABLE t ALTER COLUMN c TYPE inet;'),
    added('c timestamp(3)', 'ALTER TABLE t ALTER COLUMN c TYPE timestamp(6);'),
    added('c timestamptz(3)', 'ALTER TABLE t ALTER COLUMN c TYPE timestamptz;'),
    added('c interval(3)', 'ALTER TABLE t ALTER COLUMN c TYPE interval;'),
    added('c interval day to second(3)', 'ALTER TABLE t ALTER COLUMN c TYPE interval day to second(6);'),
    added('c varbit(4)', 'ALTER TABLE t ALTER COLUMN c TYPE bit varying(8);'),
    added('c xml', 'ALTER TABLE t ALTER COLUMN c TYPE text;'),
    added('c varchar(10)', 'ALTER TABLE t ALTER COLUMN c TYPE text USING c::text;'),
    added('c integer', 'ALTER TABLE t ALTER COLUMN c TYPE int4;'),
    // The type change follows the column through a rename.
    added('c varchar(10)', 'ALTER TABLE t RENAME COLUMN c TO d;\nALTER TABLE t ALTER COLUMN d TYPE varchar(40);'),
    // timestamp -> timestamptz when the session time zone is known to be UTC.
    {
      sql: added('c timestamp', 'ALTER TABLE t ALTER COLUMN c TYPE timestamptz;'),
      options: { ruleOptions: { 'no-rewriting-column-type-change': { utcTimeZone: true } } },
    },
    {
      sql: 'ALTER TABLE t ALTER COLUMN created_at TYPE timestamp with time zone;',
      options: { ruleOptions: { 'no-rewriting-column-type-change': { utcTimeZone: true } } },
    },
    // A table created earlier in the migration is empty.
    created('id bigint, total integer', 'ALTER TABLE t ALTER COLUMN total TYPE bigint;'),
    created('id bigint', 'ALTER TABLE t ADD COLUMN n int;\nALTER TABLE t ALTER COLUMN n TYPE bigint;'),
    // Not a table column type change.
    'ALTER TABLE t ALTER COLUMN c SET DEFAULT 0;',
    'ALTER TYPE address ALTER ATTRIBUTE zip TYPE text;',
    "SELECT 'ALTER TABLE t ALTER COLUMN c TYPE bigint';",
  ],
  invalid: [
    {
      sql: 'ALTER TABLE orders ALTER COLUMN id TYPE bigint;',
      line: 1,
      column: 33,
      endLine: 1,
      endColumn: 35,
      message: 'changing orders.id to bigint rewrites the table and its indexes under an ACCESS EXCLUSIVE lock unless its current type is already bigint (the current type is not in the migrations linted)',
    },
    {
      sql: 'ALTER TABLE users ALTER COLUMN email TYPE varchar(320);',
      line: 1,
      column: 32,
      endLine: 1,
      endColumn: 37,
      message: /unless its current type is varchar\(n\) with n ≤ 320/,
    },
    { sql: 'ALTER TABLE orders ALTER total TYPE numeric(12,2);', line: 1, column: 26, endLine: 1, endColumn: 31, message: /numeric\(p,2\) with p ≤ 12/ },
    {
      sql: 'ALTER TABLE events ALTER COLUMN at TYPE timestamptz;',
      line: 1,
      column: 33,
      endLine: 1,
      endColumn: 35,
      message: /timestamp with the session time zone UTC/,
    },
    {
      sql: 'ALTER TABLE t ALTER COLUMN tags TYPE text[];',
      line: 1,
      column: 28,
      endLine: 1,
      endColumn: 32,
      message: 'changing t.tags to text[] rewrites the table and its indexes under an ACCESS EXCLUSIVE lock (the current type is not in the migrations linted)',
    },
    // Known current type, rewriting changes.
    {
      sql: added('c varchar(20)', 'ALTER TABLE t ALTER COLUMN c TYPE varchar(10);'),
      line: 2,
      column: 28,
      endLine: 2,
      endColumn: 29,
      message: /from varchar\(20\) to varchar\(10\)/,
    },
    {
      sql: added('c text', 'ALTER TABLE t ALTER COLUMN c TYPE varchar(10);'),
      line: 2,
      column: 28,
      endLine: 2,
      endColumn: 29,
      message: /added to an existing table/,
    },
    {
      sql: added('c numeric(10,2)', 'ALTER TABLE t ALTER COLUMN c TYPE numeric(12,3);'),
      line: 2,
      column: 28,
      endLine: 2,
      endColumn: 29,
      message: 'changing t.c, a column this migration added to an existing table, from numeric(10,2) to numeric(12,3) rewrites the table and its indexes under an ACCESS EXCLUSIVE lock',
    },
    {
      sql: added('c numeric', 'ALTER TABLE t ALTER COLUMN c TYPE numeric(12,2);'),
      line: 2,
      column: 28,
      endLine: 2,
      endColumn: 29,
      message: 'changing t.c, a column this migration added to an existing table, from numeric to numeric(12,2) rewrites the table and its indexes under an ACCESS EXCLUSIVE lock',
    },
    { sql: added('c integer', 'ALTER TABLE t ALTER COLUMN c TYPE bigint;'), line: 2, column: 28, endLine: 2, endColumn: 29, message: /from integer to bigint/ },
    { sql: added('c char(10)', 'ALTER TABLE t ALTER COLUMN c TYPE text;'), line: 2, column: 28, endLine: 2, endColumn: 29, message: /from char\(10\) to text/ },
    {
      sql: added('c inet', 'ALTER TABLE t ALTER COLUMN c TYPE cidr;'),
      line: 2,
      column: 28,
      endLine: 2,
      endColumn: 29,
      message: 'changing t.c, a column this migration added to an existing table, from inet to cidr rewrites the table and its indexes under an ACCESS EXCLUSIVE lock',
    },
    {
      sql: added('c json', 'ALTER TABLE t ALTER COLUMN c TYPE jsonb;'),
      line: 2,
      column: 28,
      endLine: 2,
      endColumn: 29,
      message: 'changing t.c, a column this migration added to an existing table, from json to jsonb rewrites the table and its indexes under an ACCESS EXCLUSIVE lock',
    },
    {
      sql: added('c timestamp(6)', 'ALTER TABLE t ALTER COLUMN c TYPE timestamp(3);'),
      line: 2,
      column: 28,
      endLine: 2,
      endColumn: 29,
      message: 'changing t.c, a column this migration added to an existing table, from timestamp(6) to timestamp(3) rewrites the table and its indexes under an ACCESS EXCLUSIVE lock',
    },
    {
      sql: added('c interval', 'ALTER TABLE t ALTER COLUMN c TYPE interval day;'),
      line: 2,
      column: 28,
      endLine: 2,
      endColumn: 29,
      message: 'changing t.c, a column this migration added to an existing table, from interval to interval day rewrites the table and its indexes under an ACCESS EXCLUSIVE lock',
    },
    {
      sql: added('c varchar(10)[]', 'ALTER TABLE t ALTER COLUMN c TYPE varchar(20)[];'),
      line: 2,
      column: 28,
      endLine: 2,
      endColumn: 29,
      message: 'changing t.c, a column this migration added to an existing table, from varchar(10)[] to varchar(20)[] rewrites the table and its indexes under an ACCESS EXCLUSIVE lock',
    },
    {
      sql: added('c timestamp', 'ALTER TABLE t ALTER COLUMN c TYPE timestamptz;'),
      line: 2,
      column: 28,
      endLine: 2,
      endColumn: 29,
      message: /session time zone is UTC/,
    },
    // UTC is not enough before PostgreSQL 12.
    {
      sql: added('c timestamp', 'ALTER TABLE t ALTER COLUMN c TYPE timestamptz;'),
      line: 2,
      column: 28,
      endLine: 2,
      endColumn: 29,
      options: { pgVersion: 11, ruleOptions: { 'no-rewriting-column-type-change': { utcTimeZone: true } } },
      message: 'changing t.c, a column this migration added to an existing table, from timestamp to timestamptz rewrites the table and its indexes under an ACCESS EXCLUSIVE lock (catalog-only only when the session time zone is UTC; set the rule option utcTimeZone if it always is)',
    },
    // USING that computes new values always rewrites.
    {
      sql: 'ALTER TABLE t ALTER COLUMN c TYPE text USING lower(c);',
      line: 1,
      column: 28,
      endLine: 1,
      endColumn: 29,
      message: /USING an expression that changes the values/,
    },
    {
      sql: added('c varchar(10)', 'ALTER TABLE t ALTER COLUMN c TYPE text USING c::varchar(5);'),
      line: 2,
      column: 28,
      endLine: 2,
      endColumn: 29,
      message: 'ALTER COLUMN t.c TYPE text USING an expression that changes the values rewrites the table and its indexes under an ACCESS EXCLUSIVE lock',
    },
    // A collation change rebuilds the indexes.
    { sql: 'ALTER TABLE t ALTER COLUMN c TYPE text COLLATE "C";', line: 1, column: 28, endLine: 1, endColumn: 29, message: /collation/ },
    // Several columns in one statement, each reported.
    {
      sql: 'ALTER TABLE t\n  ALTER COLUMN a TYPE bigint,\n  ALTER COLUMN b TYPE text,\n  ALTER COLUMN c TYPE bigint;',
      line: 2,
      column: 16,
      endLine: 2,
      endColumn: 17,
      count: 2,
      message: 'changing t.a to bigint rewrites the table and its indexes under an ACCESS EXCLUSIVE lock unless its current type is already bigint (the current type is not in the migrations linted)',
    },
    // The type after an earlier change in the same migration is what counts.
    {
      sql: added('c varchar(10)', 'ALTER TABLE t ALTER c TYPE varchar(40);\nALTER TABLE t ALTER c TYPE varchar(20);'),
      line: 3,
      column: 21,
      endLine: 3,
      endColumn: 22,
      message: /from varchar\(40\) to varchar\(20\)/,
    },
    // The table is created later, not earlier.
    {
      sql: 'ALTER TABLE t ALTER COLUMN c TYPE bigint;\nCREATE TABLE t2 (c int);',
      line: 1,
      column: 28,
      endLine: 1,
      endColumn: 29,
      message: 'changing t.c to bigint rewrites the table and its indexes under an ACCESS EXCLUSIVE lock unless its current type is already bigint (the current type is not in the migrations linted)',
    },
  ],
});

it('reports in the down section too: a rollback that narrows a column rewrites the table', async () => {
  const sql = '-- migrate:up\nALTER TABLE t ALTER COLUMN c TYPE text;\n-- migrate:down\nALTER TABLE t ALTER COLUMN c TYPE varchar(10);\n';
  const found = await findingsOf(rule, sql, 'db/migrations/20240101000000_widen.sql');
  expect(found.map((f) => f.range.start.line)).toEqual([4]);
});

it('docs examples: bad is reported, good is not', async () => {
  expect((await findingsOf(rule, rule.docs.bad)).length).toBeGreaterThan(0);
  expect(await findingsOf(rule, rule.docs.good)).toEqual([]);
});

it('counts a USING cast of the column to the new type as keeping the values, and AT TIME ZONE as changing them', async () => {
  const keep = "ALTER TABLE t ADD COLUMN c varchar(10);\nALTER TABLE t ALTER COLUMN c TYPE text USING (c)::text;";
  expect(await findingsOf(rule, keep)).toEqual([]);
  const utc = { ruleOptions: { 'no-rewriting-column-type-change': { utcTimeZone: true } } };
  const shift = "ALTER TABLE t ADD COLUMN c timestamp;\nALTER TABLE t ALTER COLUMN c TYPE timestamptz USING c AT TIME ZONE 'UTC';";
  expect((await findingsOf(rule, shift, undefined, utc)).map((f) => f.message)).toEqual([expect.stringMatching(/USING an expression/)]);
});
