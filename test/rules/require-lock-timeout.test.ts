import rule from '../../rules/require-lock-timeout.js';
import { ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    "SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text;",
    "SET lock_timeout TO 5000;\nCREATE INDEX orders_note_idx ON orders (note);",
    "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;",
    { sql: "SET LOCAL lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text;", options: { transaction: true } },
    "SELECT set_config('lock_timeout', '3s', false);\nALTER TABLE orders ADD COLUMN note text;",
    // Locks that do not block reads or writes.
    'CREATE INDEX CONCURRENTLY orders_note_idx ON orders (note);',
    'ALTER TABLE orders VALIDATE CONSTRAINT c;',
    "UPDATE orders SET note = '' WHERE id = 1;",
    'DROP INDEX CONCURRENTLY orders_note_idx;',
    // Only new tables.
    'CREATE TABLE orders (id bigint PRIMARY KEY);\nALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX orders_note_idx ON orders (note);',
    { sql: 'CREATE TABLE orders (id bigint);\nALTER TABLE orders ADD COLUMN note text;', options: { transaction: true } },
    'CREATE TABLE customers (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint, customer_id bigint REFERENCES customers (id));',
    // SET inside a DO block counts too.
    "DO $$ BEGIN SET lock_timeout = '1s'; ALTER TABLE orders ADD COLUMN note text; END $$;",
  ],
  invalid: [
    {
      sql: 'ALTER TABLE orders ADD COLUMN note text;',
      line: 1,
      column: 13,
      endLine: 1,
      endColumn: 19,
      message: 'ADD COLUMN takes ACCESS EXCLUSIVE on "orders": blocks reads and writes; no SET lock_timeout runs before it, so while it waits behind a long query every new query on the table queues behind it; SET lock_timeout at the start of the migration',
    },
    {
      sql: 'CREATE INDEX orders_note_idx ON orders (note);\nALTER TABLE orders ADD COLUMN x int;\nALTER TABLE items ADD COLUMN y int;',
      line: 1,
      column: 33,
      endLine: 1,
      endColumn: 39,
      message: /CREATE INDEX takes SHARE on "orders": blocks writes; no SET lock_timeout runs before it \(nor before 2 later statements that lock tables\)/,
    },
    // statement_timeout alone does not count.
    {
      sql: "SET statement_timeout = '10min';\nALTER TABLE orders ADD COLUMN note text;",
      line: 2,
      column: 13,
      endLine: 2,
      endColumn: 19,
      message: /statement_timeout alone/,
    },
    // Turned off, or set after the statement.
    {
      sql: 'SET lock_timeout = 0;\nALTER TABLE orders ADD COLUMN note text;',
      line: 2,
      column: 13,
      endLine: 2,
      endColumn: 19,
      message: /ADD COLUMN takes ACCESS EXCLUSIVE on "orders": blocks reads and writes/,
    },
    {
      sql: "SET lock_timeout = '0';\nALTER TABLE orders ADD COLUMN note text;",
      line: 2,
      column: 13,
      endLine: 2,
      endColumn: 19,
      message: /ADD COLUMN takes ACCESS EXCLUSIVE on "orders": blocks reads and writes/,
    },
    {
      sql: "SET lock_timeout = '5s';\nRESET lock_timeout;\nALTER TABLE orders ADD COLUMN note text;",
      line: 3,
      column: 13,
      endLine: 3,
      endColumn: 19,
      message: /ADD COLUMN takes ACCESS EXCLUSIVE on "orders": blocks reads and writes/,
    },
    {
      sql: "SET lock_timeout = '5s';\nRESET ALL;\nALTER TABLE orders ADD COLUMN note text;",
      line: 3,
      column: 13,
      endLine: 3,
      endColumn: 19,
      message: /ADD COLUMN takes ACCESS EXCLUSIVE on "orders": blocks reads and writes/,
    },
    {
      sql: "ALTER TABLE orders ADD COLUMN note text;\nSET lock_timeout = '5s';",
      line: 1,
      column: 13,
      endLine: 1,
      endColumn: 19,
      message: 'ADD COLUMN takes ACCESS EXCLUSIVE on "orders": blocks reads and writes; no SET lock_timeout runs before it, so while it waits behind a long query every new query on the table queues behind it; SET lock_timeout at the start of the migration',
    },
    // SET LOCAL ends with its transaction.
    {
      sql: "BEGIN;\nSET LOCAL lock_timeout = '2s';\nCOMMIT;\nALTER TABLE orders ADD COLUMN note text;",
      line: 4,
      column: 13,
      endLine: 4,
      endColumn: 19,
      message: /ADD COLUMN takes ACCESS EXCLUSIVE on "orders": blocks reads and writes/,
    },
    // A foreign key locks the referenced table too.
    {
      sql: 'CREATE TABLE orders (id bigint, customer_id bigint REFERENCES customers (id));',
      line: 1,
      column: 63,
      endLine: 1,
      endColumn: 72,
      message: /SHARE ROW EXCLUSIVE on "customers": blocks writes/,
    },
    { sql: 'DROP INDEX orders_note_idx;', line: 1, column: 1, endLine: 1, endColumn: 27, message: /the table of index "orders_note_idx"/ },
    {
      sql: 'TRUNCATE orders;',
      line: 1,
      column: 10,
      endLine: 1,
      endColumn: 16,
      message: 'TRUNCATE takes ACCESS EXCLUSIVE on "orders": blocks reads and writes; no SET lock_timeout runs before it, so while it waits behind a long query every new query on the table queues behind it; SET lock_timeout at the start of the migration',
    },
    { sql: 'LOCK TABLE orders IN SHARE MODE;', line: 1, column: 12, endLine: 1, endColumn: 18, message: /SHARE on "orders": blocks writes/ },
    {
      sql: 'DO $$ BEGIN ALTER TABLE orders ADD COLUMN note text; END $$;',
      line: 1,
      column: 25,
      endLine: 1,
      endColumn: 31,
      message: 'ADD COLUMN takes ACCESS EXCLUSIVE on "orders": blocks reads and writes; no SET lock_timeout runs before it, so while it waits behind a long query every new query on the table queues behind it; SET lock_timeout at the start of the migration',
    },
  ],
});
