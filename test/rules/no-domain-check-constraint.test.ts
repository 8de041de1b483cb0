import rule from '../../rules/no-domain-check-constraint.js';
import { ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    'CREATE DOMAIN email AS text;',
    'CREATE DOMAIN email AS text NOT NULL;',
    "CREATE TABLE users (email text CHECK (email LIKE '%@%'));",
    "ALTER DOMAIN email ADD CONSTRAINT c CHECK (VALUE LIKE '%@%') NOT VALID;",
  ],
  invalid: [
    {
      sql: "CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');",
      line: 1,
      column: 29,
      endLine: 1,
      endColumn: 34,
      message: 'domain email is created with a CHECK: changing it later locks every table that uses the domain; prefer CHECK constraints on the table columns',
    },
    {
      sql: 'CREATE DOMAIN app.amount AS numeric CONSTRAINT positive CHECK (VALUE > 0) CHECK (VALUE < 1000);',
      line: 1,
      column: 37,
      endLine: 1,
      endColumn: 47,
      count: 2,
      message: 'domain app.amount is created with a CHECK: changing it later locks every table that uses the domain; prefer CHECK constraints on the table columns',
    },
  ],
});
