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
      message: /takes ACCESS EXCLUSIVE on materialized view "daily_sales": blocks reads/,
    },
    { sql: 'SELECT 1;\nREFRESH MATERIALIZED VIEW reporting.daily_sales WITH DATA;', line: 2, column: 1, message: /"reporting\.daily_sales"/ },
    { sql: 'DO $$ BEGIN REFRESH MATERIALIZED VIEW daily_sales; END $$;', line: 1, column: 13 },
  ],
});
