import { describe, expect, it } from 'vitest';
import rule from '../../rules/require-rerunnable-ddl.js';
import { applyFixes } from '../../src/engine/apply-fixes.js';
import { DEFAULT_FILE, findingsOf, ruleCases } from '../helpers/rule-cases.js';

const noTx = { transaction: false };
const goose = (body: string) => `-- +goose NO TRANSACTION\n-- +goose Up\n${body}`;

ruleCases(rule, {
  valid: [
    // One transaction: a failure undoes everything, so a re-run starts clean.
    { sql: 'CREATE TABLE a (id int);\nCREATE TABLE b (id int);', options: { transaction: true } },
    'BEGIN;\nCREATE TABLE a (id int);\nCREATE TABLE b (id int);\nCOMMIT;',
    { sql: 'CREATE TABLE a (id int);\nCREATE TABLE b (id int);', filename: 'V6__tables.sql' },
    // Unknown transaction handling: not reported.
    'CREATE TABLE a (id int);\nCREATE TABLE b (id int);',
    // The last statement: nothing after it can fail.
    { sql: 'SELECT 1;\nCREATE TABLE a (id int);', options: noTx },
    // Guarded.
    {
      sql: 'CREATE TABLE IF NOT EXISTS a (id int);\nCREATE INDEX CONCURRENTLY IF NOT EXISTS a_idx ON a (id);\nDROP TABLE IF EXISTS old;\nALTER TABLE a ADD COLUMN IF NOT EXISTS b int, DROP COLUMN IF EXISTS c;\nCREATE OR REPLACE VIEW v AS SELECT 1;\nSELECT 1;',
      options: noTx,
    },
    // Statements in DO blocks are usually their own guards.
    { sql: "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'mood') THEN CREATE TYPE mood AS ENUM ('ok'); END IF; END $$;\nSELECT 1;", options: noTx },
    // On a table created earlier in the migration: the CREATE TABLE fails first on a re-run.
    { sql: 'CREATE TABLE IF NOT EXISTS a (id int);\nCREATE INDEX CONCURRENTLY a_idx ON a (id);\nSELECT 1;', options: noTx },
    // Unnamed index: a re-run does not fail.
    { sql: 'CREATE INDEX CONCURRENTLY ON orders (a);\nSELECT 1;', options: noTx },
    // CREATE INDEX CONCURRENTLY needs a DROP INDEX IF EXISTS, not IF NOT EXISTS: require-rerunnable-concurrent-index.
    { sql: goose('CREATE INDEX CONCURRENTLY orders_a_idx ON orders (a);\nCREATE INDEX CONCURRENTLY orders_b_idx ON orders (b);'), filename: '00007_idx.sql' },
  ],
  invalid: [
    {
      sql: goose('CREATE INDEX orders_a_idx ON orders (a);\nCREATE INDEX orders_b_idx ON orders (b);'),
      filename: '00007_idx.sql',
      line: 3,
      column: 1,
      endLine: 3,
      endColumn: 40,
      message: 'CREATE INDEX orders_a_idx is committed before the rest of the migration runs: if a later statement fails, running the migration again fails here; add IF NOT EXISTS',
      output: '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX IF NOT EXISTS orders_a_idx ON orders (a);\nCREATE INDEX orders_b_idx ON orders (b);',
    },
    {
      sql: 'DROP TABLE old_orders;\nSELECT 1;',
      options: noTx,
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 22,
      message: /DROP TABLE old_orders.*IF EXISTS/,
      output: 'DROP TABLE IF EXISTS old_orders;\nSELECT 1;',
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN note text, DROP COLUMN legacy;\nSELECT 1;',
      options: noTx,
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 60,
      count: 2,
      message: 'ADD COLUMN note is committed before the rest of the migration runs: if a later statement fails, running the migration again fails here; add IF NOT EXISTS',
      output: 'ALTER TABLE orders ADD COLUMN IF NOT EXISTS note text, DROP COLUMN legacy;\nSELECT 1;',
    },
    {
      sql: "ALTER TYPE mood ADD VALUE 'meh';\nSELECT 1;",
      options: noTx,
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 32,
      message: /ADD VALUE 'meh'/,
      output: "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh';\nSELECT 1;",
    },
    {
      sql: 'CREATE VIEW v AS SELECT 1;\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\nSELECT 1;',
      options: noTx,
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 26,
      count: 2,
      message: /OR REPLACE/,
      output: 'CREATE OR REPLACE VIEW v AS SELECT 1;\nCREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\nSELECT 1;',
    },
    // Explicit transactions that commit before later work.
    {
      sql: 'BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\nBEGIN;\nCREATE TABLE b (id int);\nCOMMIT;',
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 24,
      message: 'CREATE TABLE a is committed before the rest of the migration runs: if a later statement fails, running the migration again fails here; add IF NOT EXISTS',
      output: 'BEGIN;\nCREATE TABLE IF NOT EXISTS a (id int);\nCOMMIT;\nBEGIN;\nCREATE TABLE b (id int);\nCOMMIT;',
    },
    {
      sql: 'BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE b (id int);',
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 24,
      message: 'CREATE TABLE a is committed before the rest of the migration runs: if a later statement fails, running the migration again fails here; add IF NOT EXISTS',
      output: 'BEGIN;\nCREATE TABLE IF NOT EXISTS a (id int);\nCOMMIT;\nCREATE TABLE b (id int);',
    },
    // The framework's transaction ended early by a COMMIT.
    {
      sql: 'CREATE SCHEMA app;\nCOMMIT;\nCREATE TABLE app.t (id int);',
      options: { transaction: true },
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 18,
      message: /CREATE SCHEMA app/,
      output: 'CREATE SCHEMA IF NOT EXISTS app;\nCOMMIT;\nCREATE TABLE app.t (id int);',
    },
    // CREATE OR REPLACE TRIGGER exists from PostgreSQL 14: fixed there, only reported before.
    {
      sql: 'CREATE TRIGGER t BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION f();\nSELECT 1;',
      options: noTx,
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 75,
      message: 'CREATE TRIGGER t is committed before the rest of the migration runs: if a later statement fails, running the migration again fails here; add OR REPLACE',
      output: 'CREATE OR REPLACE TRIGGER t BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION f();\nSELECT 1;',
    },
    {
      sql: 'CREATE TRIGGER t BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION f();\nSELECT 1;',
      options: { ...noTx, pgVersion: 13 },
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 75,
      message: /add a DROP TRIGGER IF EXISTS before it/,
      output: null,
    },
    // DROP COLUMN gets no fix (yet).
    {
      sql: 'ALTER TABLE orders DROP COLUMN legacy;\nSELECT 1;',
      options: noTx,
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 38,
      message: 'DROP COLUMN legacy is committed before the rest of the migration runs: if a later statement fails, running the migration again fails here; add IF EXISTS',
      output: null,
    },
  ],
});

describe('require-rerunnable-ddl fixes', () => {
  const fixed = async (sql: string) => {
    const found = await findingsOf(rule, sql, DEFAULT_FILE, noTx);
    return applyFixes(sql, found.flatMap((f) => f.fix?.edits ?? []));
  };

  it('adds the guards', async () => {
    const sql = [
      'CREATE TABLE a (id int);',
      'CREATE UNIQUE INDEX a_idx ON a2 (id);',
      'DROP INDEX CONCURRENTLY old_idx;',
      'DROP MATERIALIZED VIEW mv;',
      'CREATE SEQUENCE s;',
      'CREATE EXTENSION pgcrypto;',
      'ALTER TABLE t ADD COLUMN n int, ADD m int;',
      "ALTER TYPE mood ADD VALUE 'x' AFTER 'y';",
      'CREATE VIEW v AS SELECT 1;',
      'SELECT 1;',
    ].join('\n');
    expect(await fixed(sql)).toBe(
      [
        'CREATE TABLE IF NOT EXISTS a (id int);',
        'CREATE UNIQUE INDEX IF NOT EXISTS a_idx ON a2 (id);',
        'DROP INDEX CONCURRENTLY IF EXISTS old_idx;',
        'DROP MATERIALIZED VIEW IF EXISTS mv;',
        'CREATE SEQUENCE IF NOT EXISTS s;',
        'CREATE EXTENSION IF NOT EXISTS pgcrypto;',
        'ALTER TABLE t ADD COLUMN IF NOT EXISTS n int, ADD IF NOT EXISTS m int;',
        "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'x' AFTER 'y';",
        'CREATE OR REPLACE VIEW v AS SELECT 1;',
        'SELECT 1;',
      ].join('\n'),
    );
  });
});
