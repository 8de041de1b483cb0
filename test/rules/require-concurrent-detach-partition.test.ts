import { describe, expect, it } from 'vitest';
import rule from '../../rules/require-concurrent-detach-partition.js';
import { applyFixes } from '../../src/engine/apply-fixes.js';
import { findingsOf, ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    'ALTER TABLE measurements DETACH PARTITION measurements_2023 CONCURRENTLY;',
    'ALTER TABLE measurements DETACH PARTITION measurements_2023 FINALIZE;',
    'ALTER TABLE measurements ATTACH PARTITION measurements_2024 FOR VALUES FROM (1) TO (2);',
    // No CONCURRENTLY before PostgreSQL 14: nothing better to suggest.
    { sql: 'ALTER TABLE measurements DETACH PARTITION measurements_2023;', options: { pgVersion: 13 } },
    'CREATE TABLE measurements (at date) PARTITION BY RANGE (at);\nALTER TABLE measurements DETACH PARTITION measurements_2023;',
    {
      sql: 'CREATE TABLE measurements (at date) PARTITION BY RANGE (at);\nALTER TABLE measurements DETACH PARTITION measurements_2023;',
      options: { transaction: true },
    },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE measurements DETACH PARTITION measurements_2023;',
      line: 1,
      column: 43,
      endLine: 1,
      endColumn: 60,
      message: 'DETACH PARTITION "measurements_2023" takes ACCESS EXCLUSIVE on "measurements" and the partition: blocks reads and writes on the whole partitioned table; use DETACH PARTITION ... CONCURRENTLY',
      output: 'ALTER TABLE measurements DETACH PARTITION measurements_2023 CONCURRENTLY;',
    },
    {
      sql: 'SELECT 1;\nALTER TABLE app.m DETACH PARTITION app.m_2023;',
      line: 2,
      column: 36,
      options: { pgVersion: 14 },
      message: 'DETACH PARTITION "app.m_2023" takes ACCESS EXCLUSIVE on "app.m" and the partition: blocks reads and writes on the whole partitioned table; use DETACH PARTITION ... CONCURRENTLY',
      output: 'SELECT 1;\nALTER TABLE app.m DETACH PARTITION app.m_2023 CONCURRENTLY;',
    },
    // In a transaction DETACH ... CONCURRENTLY would fail: no fix.
    {
      sql: 'ALTER TABLE m DETACH PARTITION m_2023;',
      options: { transaction: true },
      line: 1,
      column: 32,
      endLine: 1,
      endColumn: 38,
      message: 'DETACH PARTITION "m_2023" takes ACCESS EXCLUSIVE on "m" and the partition: blocks reads and writes on the whole partitioned table; use DETACH PARTITION ... CONCURRENTLY',
      output: null,
    },
  ],
});

describe('require-concurrent-detach-partition fix', () => {
  it('inserts CONCURRENTLY after the partition name', async () => {
    const sql = 'ALTER TABLE app.m DETACH PARTITION app.m_2023;';
    const [f] = await findingsOf(rule, sql);
    expect(applyFixes(sql, f.fix!.edits)).toBe('ALTER TABLE app.m DETACH PARTITION app.m_2023 CONCURRENTLY;');
  });

  it('moves the statement to a migration of its own inside the tool\'s transaction, and offers nothing inside the file\'s BEGIN', async () => {
    const [f] = await findingsOf(rule, 'ALTER TABLE m DETACH PARTITION m_2023;', 'migration.sql', { transaction: true });
    expect(f.fix?.placement).toBe('own-migration');
    const [g] = await findingsOf(rule, 'BEGIN;\nALTER TABLE m DETACH PARTITION m_2023;\nCOMMIT;', 'migration.sql');
    expect(g.fix).toBeUndefined();
  });
});
