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
    { sql: 'TRUNCATE orders CASCADE;', line: 1, column: 1, message: /orders/ },
    { sql: 'SELECT 1;\n  TRUNCATE TABLE public.orders, items CASCADE;', line: 2, column: 3, message: /public\.orders, items/ },
    { sql: 'TRUNCATE a CASCADE; TRUNCATE b CASCADE;', line: 1, column: 1, count: 2 },
  ],
});
