import rule from '../../rules/no-long-identifier.js';
import { describe, expect, it } from 'vitest';
import { lintText } from '../../src/lint.js';
import { ruleCases } from '../helpers/rule-cases.js';

const name63 = 'a'.repeat(63);
const name64 = 'b'.repeat(64);
const truncated64 =
  `identifier "${name64}" is 64 bytes: PostgreSQL silently truncates it to 63 bytes ("${name64.slice(0, 63)}"), so it can collide with another name and is not found under its full name`;

ruleCases(rule, {
  valid: [
    `CREATE TABLE ${name63} (${name63} int);`,
    // Quoted names keep their case; 63 bytes is fine.
    `CREATE TABLE "${'A'.repeat(63)}" (id int);`,
    // Multi-byte characters: 31 × 2 bytes = 62.
    `CREATE TABLE "${'é'.repeat(31)}" (id int);`,
    // Long strings that are not identifiers.
    `COMMENT ON TABLE t IS '${'x'.repeat(100)}';`,
    `CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $$ SELECT '${'x'.repeat(100)}' $$;`,
    `SET application_name = '${'x'.repeat(100)}';`,
    `CREATE TABLE t (c text DEFAULT '${'x'.repeat(100)}');`,
    // A Prisma-style statement: every name quoted, all short.
    `CREATE TABLE "User" ("id" TEXT NOT NULL, "email" TEXT NOT NULL, "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));`,
  ],
  invalid: [
    { sql: `CREATE TABLE ${name64} (id int);`, line: 1, column: 14, endLine: 1, endColumn: 78, message: truncated64 },
    { sql: `CREATE INDEX ${name64} ON t (a);`, line: 1, column: 14, endLine: 1, endColumn: 78, message: truncated64 },
    { sql: `ALTER TABLE t ADD CONSTRAINT ${name64} CHECK (a > 0) NOT VALID;`, line: 1, column: 30, endLine: 1, endColumn: 94, message: truncated64 },
    { sql: `ALTER TABLE t ADD COLUMN ${name64} int;`, line: 1, column: 26, endLine: 1, endColumn: 90, message: truncated64 },
    // 32 × 2 bytes = 64: over the limit in bytes, not in characters; cut on a character boundary.
    { sql: `CREATE TABLE "${'é'.repeat(32)}" (id int);`, line: 1, column: 14, endLine: 1, endColumn: 48, message: new RegExp(`64 bytes.*"${'é'.repeat(31)}"`) },
    // Each name once per section.
    {
      sql: `CREATE TABLE ${name64} (id int);\nALTER TABLE ${name64} ADD COLUMN x int;`,
      line: 1,
      column: 14,
      endLine: 1,
      endColumn: 78,
      count: 1,
      message: truncated64,
    },
    {
      sql: `CREATE TYPE mood AS ENUM ('${'z'.repeat(70)}');`,
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 100,
      message: /enum label .* is 70 bytes: PostgreSQL rejects labels/,
    },
    { sql: `ALTER TABLE t RENAME COLUMN a TO ${name64};`, line: 1, column: 34, endLine: 1, endColumn: 98, message: truncated64 },
    {
      sql: `CREATE TABLE "Mixed""Case${'x'.repeat(60)}" (id int);`,
      line: 1,
      column: 14,
      endLine: 1,
      endColumn: 87,
      message: /identifier "Mixed"Casex+" is 70 bytes/,
    },
    { sql: `DO $$ BEGIN CREATE TABLE ${name64} (id int); END $$;`, line: 1, column: 26, endLine: 1, endColumn: 90, message: truncated64 },
    // Quoted names with characters that cannot appear unquoted, among other quoted names (the quick check must not skip them).
    {
      sql: `CREATE TABLE "t" ("${'long name '.repeat(7)}" int, "b" int);`,
      line: 1,
      column: 19,
      endLine: 1,
      endColumn: 91,
      message: 'identifier "long name long name long name long name long name long name long name " is 70 bytes: PostgreSQL silently truncates it to 63 bytes ("long name long name long name long name long name long name lon"), so it can collide with another name and is not found under its full name',
    },
    {
      sql: `CREATE TABLE "t" (c text DEFAULT 'say "hi', "${'x-'.repeat(33)}" int);`,
      line: 1,
      column: 45,
      endLine: 1,
      endColumn: 113,
      message: 'identifier "x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-" is 66 bytes: PostgreSQL silently truncates it to 63 bytes ("x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x"), so it can collide with another name and is not found under its full name',
    },
  ],
});

describe('names with run-time parts in code migrations', () => {
  const code = (name: string) =>
    'const prefix = process.env.PREFIX;\n' +
    `exports.up = (knex) => knex.raw(\`CREATE INDEX "${name}" ON t (a)\`);\n` +
    'exports.down = (knex) => knex.raw(`DROP INDEX CONCURRENTLY i`);\n';
  const found = async (name: string) =>
    (await lintText(code(name), 'migrations/1_a.js', { rules: { 'no-long-identifier': 'warn' } })).findings.filter((f) => f.ruleId === rule.id);

  it('counts only the written part of `${prefix}name`', async () => {
    expect(await found('${prefix}' + 'x'.repeat(60))).toEqual([]);
    expect(await found('x'.repeat(64))).toHaveLength(1);
  });
});
