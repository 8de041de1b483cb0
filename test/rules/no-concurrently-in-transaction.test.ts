import rule from '../../rules/no-concurrently-in-transaction.js';
import { ruleCases } from '../helpers/rule-cases.js';
import { resolve } from '../../src/config/load.js';

const create = 'CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);';
// golang-migrate started with x-multi-statement=true sends statement by statement.
const multiStatement = { config: await resolve({ golangMigrate: { multiStatement: true } }, undefined, process.cwd()) };

ruleCases(rule, {
  valid: [
    // Flyway runs a migration holding CONCURRENTLY outside a transaction by itself.
    { sql: `SELECT 1;\n${create}`, filename: 'V2__index.sql' },
    // Unknown whether the file runs in a transaction: not reported.
    create,
    { sql: create, options: { transaction: false } },
    `BEGIN;\nSELECT 1;\nCOMMIT;\n${create}`,
    { sql: `-- +goose NO TRANSACTION\n-- +goose Up\n${create}\n-- +goose Down\nDROP INDEX CONCURRENTLY orders_customer_idx;`, filename: '00002_idx.sql' },
    { sql: `-- migrate:up transaction:false\n${create}\n-- migrate:down\nDROP INDEX orders_customer_idx;`, filename: '20240101_idx.sql' },
    { sql: 'CREATE INDEX orders_customer_idx ON orders (customer_id);', options: { transaction: true } },
    { sql: 'REFRESH MATERIALIZED VIEW CONCURRENTLY daily_sales;', options: { transaction: true } },
    // golang-migrate and Prisma send a file as one query: alone in its file, the statement is its own transaction.
    { sql: `-- the index\n${create}\n`, filename: 'db/000002_idx.up.sql' },
    { sql: create, filename: 'prisma/migrations/20240101000000_idx/migration.sql' },
    { sql: `CREATE TABLE t (a int);\n${create}`, filename: 'db/000002_idx.up.sql', options: multiStatement },
  ],
  invalid: [
    {
      sql: `BEGIN;\n${create}\nCOMMIT;`,
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 70,
      message: 'CREATE INDEX CONCURRENTLY cannot run inside the transaction opened on line 1: the migration fails here; move it out of the BEGIN ... COMMIT, and ' +
        'run it without a transaction: outside any BEGIN ... COMMIT, with a runner that sends statements one by one (psql does)',
    },
    { sql: create, options: { transaction: true }, line: 1, column: 1, endLine: 1, endColumn: 70, message: /transaction setting/ },
    {
      sql: `SELECT 1;\n${create}`,
      filename: 'migrations/2024-01-01-000000_index/up.sql',
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 70,
      message: /inside the transaction diesel runs the migration in/,
    },
    { sql: `-- +goose Up\n${create}`, filename: '00002_idx.sql', line: 2, column: 1, endLine: 2, endColumn: 70, message: /goose/ },
    {
      sql: 'START TRANSACTION;\nDROP INDEX CONCURRENTLY IF EXISTS old_idx;\nCOMMIT;',
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 42,
      message: /DROP INDEX CONCURRENTLY/,
    },
    { sql: 'BEGIN;\nREINDEX INDEX CONCURRENTLY orders_customer_idx;\nCOMMIT;', line: 2, column: 1, endLine: 2, endColumn: 47, message: /REINDEX CONCURRENTLY/ },
    { sql: 'BEGIN;\nREINDEX (CONCURRENTLY, VERBOSE) TABLE orders;\nCOMMIT;', line: 2, column: 1, endLine: 2, endColumn: 45, message: /REINDEX CONCURRENTLY/ },
    {
      sql: 'BEGIN;\nALTER TABLE m DETACH PARTITION m_2023 CONCURRENTLY;\nCOMMIT;',
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 51,
      message: /DETACH PARTITION CONCURRENTLY/,
    },
    // One query of several statements is one implicit transaction: golang-migrate, Prisma, dbmate transaction:false.
    {
      sql: `ALTER TABLE orders ADD COLUMN note text;\n${create}`,
      filename: 'db/000002_idx.up.sql',
      line: 2,
      column: 1,
      message:
        'CREATE INDEX CONCURRENTLY cannot run inside the one transaction PostgreSQL runs a query of several statements in ' +
        '(golang-migrate sends the 2 statements of this file as one query): the migration fails here; run it without a ' +
        'transaction: a migration of its own holding only that statement: golang-migrate sends a file as one query, which PostgreSQL runs in one ' +
        'transaction when it holds several statements (or add x-multi-statement=true to the database URL, and ' +
        'golangMigrate: { multiStatement: true } to the config)',
    },
    // A COMMIT in the file ends the implicit transaction, and the next statement opens another.
    { sql: `BEGIN;\nSELECT 1;\nCOMMIT;\n${create}`, filename: 'db/000002_idx.up.sql', line: 4, column: 1, message: /one transaction PostgreSQL runs/ },
    { sql: `SELECT 1;\n${create}`, filename: 'prisma/migrations/20240101000000_idx/migration.sql', line: 2, column: 1, message: /Prisma sends the 2 statements/ },
    {
      sql: `-- migrate:up transaction:false\nSELECT 1;\n${create}\n-- migrate:down\nSELECT 1;`,
      filename: '20240101_idx.sql',
      line: 3,
      column: 1,
      message: /dbmate sends the 2 statements of this section as one query.*-- migrate:up transaction:false, with only that statement/,
    },
    // A DO block is always one transaction, even when the migration has none.
    { sql: `DO $$\nBEGIN\n  ${create}\nEND $$;`, options: { transaction: false }, line: 3, column: 3, endLine: 3, endColumn: 72, message: /inside a DO block/ },
    // It fails even on a table created in the same transaction.
    {
      sql: `BEGIN;\nCREATE TABLE orders (customer_id bigint);\n${create}\nCOMMIT;`,
      line: 3,
      column: 1,
      endLine: 3,
      endColumn: 70,
      message: 'CREATE INDEX CONCURRENTLY cannot run inside the transaction opened on line 1: the migration fails here; move it out of the BEGIN ... COMMIT, and ' +
        'run it without a transaction: outside any BEGIN ... COMMIT, with a runner that sends statements one by one (psql does)',
    },
    {
      sql: `BEGIN;\n${create}\nCOMMIT;\nBEGIN;\n${create}\nCOMMIT;`,
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 70,
      count: 2,
      message: 'CREATE INDEX CONCURRENTLY cannot run inside the transaction opened on line 1: the migration fails here; move it out of the BEGIN ... COMMIT, and ' +
        'run it without a transaction: outside any BEGIN ... COMMIT, with a runner that sends statements one by one (psql does)',
    },
  ],
});
