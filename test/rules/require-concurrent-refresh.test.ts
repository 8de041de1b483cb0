import rule from '../../rules/require-concurrent-refresh.js';
import { ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    'REFRESH MATERIALIZED VIEW CONCURRENTLY daily_sales;',
    'REFRESH MATERIALIZED VIEW daily_sales WITH NO DATA;',
    'CREATE MATERIALIZED VIEW daily_sales AS SELECT 1 AS day WITH NO DATA;\nREFRESH MATERIALIZED VIEW daily_sales;',
    { sql: 'CREATE MATERIALIZED VIEW daily_sales AS SELECT 1 AS day WITH NO DATA;\nREFRESH MATERIALIZED VIEW daily_sales;', options: { transaction: true } },
  ],
  invalid: [
    {
      sql: 'REFRESH MATERIALIZED VIEW daily_sales;',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 38,
      message: 'REFRESH MATERIALIZED VIEW "daily_sales" takes ACCESS EXCLUSIVE on materialized view "daily_sales": blocks reads while its query reruns; use REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index on the view)',
    },
    {
      sql: 'SELECT 1;\nREFRESH MATERIALIZED VIEW reporting.daily_sales WITH DATA;',
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 58,
      message: /"reporting\.daily_sales"/,
    },
    {
      sql: 'DO $$ BEGIN REFRESH MATERIALIZED VIEW daily_sales; END $$;',
      line: 1,
      column: 13,
      endLine: 1,
      endColumn: 50,
      message: 'REFRESH MATERIALIZED VIEW "daily_sales" takes ACCESS EXCLUSIVE on materialized view "daily_sales": blocks reads while its query reruns; use REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index on the view)',
    },
  ],
});
