import rule from '../../rules/no-not-null-without-default.js';
import { ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    'ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL DEFAULT 0;',
    'ALTER TABLE users ADD COLUMN tenant_id bigint;',
    'ALTER TABLE users ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY NOT NULL;',
    'ALTER TABLE users ADD COLUMN id bigserial PRIMARY KEY;',
    'ALTER TABLE users ADD COLUMN total numeric GENERATED ALWAYS AS (a + b) STORED NOT NULL;',
    'CREATE TABLE users (id bigint);\nALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;',
    'CREATE TABLE users (id bigint NOT NULL, name text NOT NULL);',
  ],
  invalid: [
    {
      sql: 'ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;',
      line: 1,
      column: 30,
      endLine: 1,
      endColumn: 39,
      message: 'column tenant_id is added to users as NOT NULL without a DEFAULT: fails if the table has any rows',
    },
    {
      sql: 'ALTER TABLE users\n  ADD COLUMN a int NOT NULL,\n  ADD COLUMN b int NOT NULL DEFAULT 1,\n  ADD c uuid PRIMARY KEY;',
      line: 2,
      column: 14,
      endLine: 2,
      endColumn: 15,
      count: 2,
      message: 'column a is added to users as NOT NULL without a DEFAULT: fails if the table has any rows',
    },
    {
      sql: 'ALTER TABLE IF EXISTS ONLY "Users" ADD "tenantId" integer NOT NULL;',
      line: 1,
      column: 40,
      endLine: 1,
      endColumn: 50,
      message: /"?tenantId"?.*Users/,
    },
  ],
});
