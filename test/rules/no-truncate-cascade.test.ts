import rule from '../../rules/no-truncate-cascade.js';
import { ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    'TRUNCATE orders;',
    'TRUNCATE orders, order_items RESTRICT;',
    "SELECT 'TRUNCATE x CASCADE';",
    '-- TRUNCATE x CASCADE\nSELECT 1;',
    '/* TRUNCATE x CASCADE */ SELECT 1;',
  ],
  invalid: [
    {
      sql: 'TRUNCATE orders CASCADE;',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 24,
      message: 'TRUNCATE orders CASCADE also empties every table that references orders, recursively',
    },
    { sql: 'SELECT 1;\n  TRUNCATE TABLE public.orders, items CASCADE;', line: 2, column: 3, endLine: 2, endColumn: 46, message: /public\.orders, items/ },
    {
      sql: 'TRUNCATE a CASCADE; TRUNCATE b CASCADE;',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 19,
      count: 2,
      message: 'TRUNCATE a CASCADE also empties every table that references a, recursively',
    },
  ],
});
