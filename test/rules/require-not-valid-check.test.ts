import { describe, expect, it } from 'vitest';
import rule from '../../rules/require-not-valid-check.js';
import { applyFixes } from '../../src/engine/apply-fixes.js';
import { findingsOf, ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    'ALTER TABLE orders ADD CONSTRAINT total_positive CHECK (total >= 0) NOT VALID;',
    'ALTER TABLE orders VALIDATE CONSTRAINT total_positive;',
    'CREATE TABLE orders (total numeric CHECK (total >= 0));',
    'CREATE TABLE orders (total numeric);\nALTER TABLE orders ADD CONSTRAINT total_positive CHECK (total >= 0);',
    { sql: 'CREATE TABLE orders (total numeric);\nALTER TABLE orders ADD CHECK (total >= 0);', options: { transaction: true } },
    { sql: 'BEGIN;\nCREATE TABLE orders (total numeric);\nALTER TABLE orders ADD CHECK (total >= 0);\nCOMMIT;', options: { transaction: false } },
    // Table created inside a DO block earlier in the migration.
    'DO $$ BEGIN CREATE TABLE orders (total numeric); END $$;\nALTER TABLE orders ADD CHECK (total >= 0);',
    // A CHECK written on a new column is left to the column rules.
    'ALTER TABLE orders ADD COLUMN total numeric CHECK (total >= 0);',
    "COMMENT ON TABLE orders IS 'ALTER TABLE orders ADD CHECK (a > 0)';",
  ],
  invalid: [
    {
      sql: 'ALTER TABLE orders ADD CONSTRAINT total_positive CHECK (total >= 0);',
      line: 1,
      column: 24,
      endLine: 1,
      endColumn: 34,
      message: 'CHECK total_positive is added to "orders" without NOT VALID: takes ACCESS EXCLUSIVE on "orders": blocks reads and writes while every row is checked; add it NOT VALID and VALIDATE it in a separate transaction',
      output: 'ALTER TABLE orders ADD CONSTRAINT total_positive CHECK (total >= 0) NOT VALID;',
    },
    {
      sql: 'SELECT 1;\n  ALTER TABLE ONLY public.orders ADD CHECK (total >= 0);',
      line: 2,
      column: 38,
      endLine: 2,
      endColumn: 43,
      message: /"public\.orders"/,
      output: 'SELECT 1;\n  ALTER TABLE ONLY public.orders ADD CHECK (total >= 0) NOT VALID;',
    },
    // A table created in the down section does not count for the up section.
    {
      sql: '-- migrate:up\nALTER TABLE orders ADD CHECK (total >= 0);\n-- migrate:down\nCREATE TABLE orders (total numeric);',
      line: 2,
      column: 24,
      endLine: 2,
      endColumn: 29,
      message: 'CHECK constraint is added to "orders" without NOT VALID: takes ACCESS EXCLUSIVE on "orders": blocks reads and writes while every row is checked; add it NOT VALID and VALIDATE it in a separate transaction',
      output: '-- migrate:up\nALTER TABLE orders ADD CHECK (total >= 0) NOT VALID;\n-- migrate:down\nCREATE TABLE orders (total numeric);',
    },
    {
      sql: "DO 'BEGIN ALTER TABLE orders ADD CHECK (status <> ''x''); END';",
      line: 1,
      column: 34,
      endLine: 1,
      endColumn: 39,
      message: 'CHECK constraint is added to "orders" without NOT VALID: takes ACCESS EXCLUSIVE on "orders": blocks reads and writes while every row is checked; add it NOT VALID and VALIDATE it in a separate transaction',
      output: "DO 'BEGIN ALTER TABLE orders ADD CHECK (status <> ''x'') NOT VALID; END';",
    },
    {
      sql: "DO $$\nBEGIN\n  EXECUTE 'ALTER TABLE orders ADD CONSTRAINT c CHECK (a > 0)';\nEND $$;",
      line: 3,
      column: 35,
      endLine: 3,
      endColumn: 45,
      message: 'CHECK c is added to "orders" without NOT VALID: takes ACCESS EXCLUSIVE on "orders": blocks reads and writes while every row is checked; add it NOT VALID and VALIDATE it in a separate transaction',
      output: "DO $$\nBEGIN\n  EXECUTE 'ALTER TABLE orders ADD CONSTRAINT c CHECK (a > 0) NOT VALID';\nEND $$;",
    },
    // An Alembic builder call: reported at the call, no fix (the SQL is printed, not written).
    {
      sql: "from alembic import op\n\nrevision = 'a1'\ndown_revision = None\n\ndef upgrade():\n    op.create_check_constraint('total_positive', 'orders', 'total >= 0')\n\ndef downgrade():\n    op.drop_constraint('total_positive', 'orders')\n",
      filename: 'migrations/versions/a1_check.py',
      line: 7,
      column: 5,
      message: 'CHECK total_positive is added to "orders" without NOT VALID: takes ACCESS EXCLUSIVE on "orders": blocks reads and writes while every row is checked; add it NOT VALID and VALIDATE it in a separate transaction',
      output: null,
    },
  ],
});

describe('require-not-valid-check fix', () => {
  it('appends NOT VALID after the closing parenthesis and attributes', async () => {
    const sql = 'ALTER TABLE orders ADD CONSTRAINT c CHECK (total >= (0)) NO INHERIT, ALTER COLUMN a SET DEFAULT 1;';
    const [f] = await findingsOf(rule, sql);
    expect(applyFixes(sql, f.fix!.edits)).toBe('ALTER TABLE orders ADD CONSTRAINT c CHECK (total >= (0)) NO INHERIT NOT VALID, ALTER COLUMN a SET DEFAULT 1;');
  });

  it('fixes inside an EXECUTE string in a DO block', async () => {
    const sql = "DO $$ BEGIN EXECUTE 'ALTER TABLE t ADD CHECK (a <> ''x'')'; END $$;";
    const [f] = await findingsOf(rule, sql);
    expect(applyFixes(sql, f.fix!.edits)).toBe("DO $$ BEGIN EXECUTE 'ALTER TABLE t ADD CHECK (a <> ''x'') NOT VALID'; END $$;");
  });
});
