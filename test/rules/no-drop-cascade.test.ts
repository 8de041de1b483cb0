import rule from '../../rules/no-drop-cascade.js';
import { ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    'DROP TABLE customers;',
    'DROP TABLE IF EXISTS customers RESTRICT;',
    'DROP SCHEMA reporting;',
    'ALTER TABLE t DROP COLUMN c;',
    "COMMENT ON TABLE t IS 'DROP TABLE x CASCADE';",
  ],
  invalid: [
    {
      sql: 'DROP TABLE customers CASCADE;',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 29,
      message: 'DROP TABLE customers ... CASCADE also drops every object that depends on it',
    },
    { sql: 'DROP SCHEMA IF EXISTS reporting CASCADE;', line: 1, column: 1, endLine: 1, endColumn: 40, message: /SCHEMA reporting/ },
    { sql: 'DROP TYPE mood CASCADE;', line: 1, column: 1, endLine: 1, endColumn: 23, message: /TYPE mood/ },
    { sql: 'DROP VIEW v1, v2 CASCADE;', line: 1, column: 1, endLine: 1, endColumn: 25, message: /VIEW v1, v2/ },
    { sql: 'DROP FUNCTION f(int) CASCADE;', line: 1, column: 1, endLine: 1, endColumn: 29, message: /FUNCTION f/ },
    { sql: 'SELECT 1;\nALTER TABLE orders DROP COLUMN customer_id CASCADE;', line: 2, column: 13, message: /COLUMN customer_id/ },
    { sql: 'ALTER TABLE orders DROP CONSTRAINT fk CASCADE;', line: 1, column: 13, message: /CONSTRAINT fk/ },
  ],
});
