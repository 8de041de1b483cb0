import { describe, expect, it } from 'vitest';
import rule from '../../rules/require-concurrent-reindex.js';
import { applyFixes } from '../../src/engine/apply-fixes.js';
import { findingsOf, ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    'REINDEX INDEX CONCURRENTLY orders_customer_idx;',
    'REINDEX (CONCURRENTLY) TABLE orders;',
    'REINDEX (VERBOSE, CONCURRENTLY true) SCHEMA app;',
    'CREATE INDEX orders_customer_idx ON orders (customer_id);\nREINDEX INDEX orders_customer_idx;',
    'CREATE TABLE orders (id bigint);\nREINDEX TABLE orders;',
    { sql: 'CREATE TABLE orders (id bigint);\nREINDEX TABLE orders;', options: { transaction: true } },
  ],
  invalid: [
    {
      sql: 'REINDEX INDEX orders_customer_idx;',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 34,
      message: 'REINDEX INDEX orders_customer_idx takes ACCESS EXCLUSIVE on index "orders_customer_idx" and SHARE on its table: blocks writes, and reads that use the index; use REINDEX ... CONCURRENTLY',
      output: 'REINDEX INDEX CONCURRENTLY orders_customer_idx;',
    },
    {
      sql: 'REINDEX TABLE app.orders;',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 25,
      message: /SHARE on "app\.orders" and ACCESS EXCLUSIVE on each of its indexes/,
      output: 'REINDEX TABLE CONCURRENTLY app.orders;',
    },
    {
      sql: 'REINDEX (VERBOSE) SCHEMA app;',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 29,
      message: /REINDEX SCHEMA app rebuilds every index/,
      output: 'REINDEX (VERBOSE) SCHEMA CONCURRENTLY app;',
    },
    { sql: 'REINDEX SYSTEM;', line: 1, column: 1, endLine: 1, endColumn: 15, message: /no concurrent form/, output: null },
    {
      sql: 'REINDEX (CONCURRENTLY false) INDEX i;',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 37,
      message: 'REINDEX INDEX i takes ACCESS EXCLUSIVE on index "i" and SHARE on its table: blocks writes, and reads that use the index; use REINDEX ... CONCURRENTLY',
      output: null,
    },
    {
      sql: 'REINDEX INDEX orders_customer_idx;',
      options: { pgVersion: 11 },
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 34,
      message: /before PostgreSQL 12, build a replacement/,
      output: null,
    },
    // In a transaction REINDEX CONCURRENTLY would fail: no fix.
    {
      sql: 'BEGIN;\nREINDEX INDEX i;\nCOMMIT;',
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 16,
      message: 'REINDEX INDEX i takes ACCESS EXCLUSIVE on index "i" and SHARE on its table: blocks writes, and reads that use the index; use REINDEX ... CONCURRENTLY',
      output: null,
    },
  ],
});

describe('require-concurrent-reindex fix', () => {
  const fixOf = async (sql: string, options = {}) => (await findingsOf(rule, sql, 'migration.sql', options))[0].fix;

  it('inserts CONCURRENTLY after the object keyword', async () => {
    const sql = 'REINDEX (VERBOSE) TABLE orders;';
    expect(applyFixes(sql, (await fixOf(sql))!.edits)).toBe('REINDEX (VERBOSE) TABLE CONCURRENTLY orders;');
  });

  it('offers no fix inside the file\'s BEGIN (CONCURRENTLY would fail) or before PostgreSQL 12; in the tool\'s transaction it moves the statement', async () => {
    expect(await fixOf('BEGIN;\nREINDEX INDEX i;\nCOMMIT;')).toBeUndefined();
    expect((await fixOf('REINDEX INDEX i;', { transaction: true }))?.placement).toBe('own-migration');
    expect(await fixOf('REINDEX INDEX i;', { pgVersion: 11 })).toBeUndefined();
  });
});
