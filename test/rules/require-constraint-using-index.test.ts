import rule from '../../rules/require-constraint-using-index.js';
import { ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    'ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY USING INDEX orders_pkey_idx;',
    'ALTER TABLE orders ADD CONSTRAINT orders_ref_key UNIQUE USING INDEX orders_ref_idx;',
    'CREATE TABLE orders (id bigint PRIMARY KEY, ref text UNIQUE);',
    'CREATE TABLE orders (id bigint);\nALTER TABLE orders ADD PRIMARY KEY (id);',
    { sql: 'CREATE TABLE orders (id bigint);\nALTER TABLE orders ADD CONSTRAINT u UNIQUE (id);', options: { transaction: true } },
    'CREATE TABLE orders (id bigint);\nALTER TABLE orders ADD COLUMN ref text UNIQUE;',
    'ALTER TABLE orders ADD CONSTRAINT c CHECK (id > 0) NOT VALID;',
  ],
  invalid: [
    {
      sql: 'ALTER TABLE orders ADD PRIMARY KEY (id);',
      line: 1,
      column: 24,
      endLine: 1,
      endColumn: 31,
      message: 'ADD PRIMARY KEY on "orders" builds its index while holding ACCESS EXCLUSIVE on "orders": blocks reads and writes for the whole build; create the unique index CONCURRENTLY first, then ADD CONSTRAINT ... PRIMARY KEY USING INDEX',
    },
    {
      sql: 'ALTER TABLE orders ADD CONSTRAINT orders_ref_key UNIQUE (ref) DEFERRABLE;',
      line: 1,
      column: 24,
      endLine: 1,
      endColumn: 34,
      message: /ADD UNIQUE.*UNIQUE USING INDEX/,
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN ref text UNIQUE;',
      line: 1,
      column: 40,
      endLine: 1,
      endColumn: 46,
      message: /column ref is added to "orders" as UNIQUE/,
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN id bigserial PRIMARY KEY, ADD UNIQUE (a, b);',
      line: 1,
      column: 44,
      endLine: 1,
      endColumn: 51,
      count: 2,
      message: /column id is added to "orders" as PRIMARY KEY/,
    },
    {
      sql: 'BEGIN;\nALTER TABLE orders ADD PRIMARY KEY (id);\nCREATE TABLE orders_archive (id bigint);\nCOMMIT;',
      line: 2,
      column: 24,
      endLine: 2,
      endColumn: 31,
      message: 'ADD PRIMARY KEY on "orders" builds its index while holding ACCESS EXCLUSIVE on "orders": blocks reads and writes for the whole build; create the unique index CONCURRENTLY first, then ADD CONSTRAINT ... PRIMARY KEY USING INDEX',
    },
  ],
});
