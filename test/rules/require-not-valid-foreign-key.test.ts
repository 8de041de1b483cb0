import { describe, expect, it } from 'vitest';
import rule from '../../rules/require-not-valid-foreign-key.js';
import { applyFixes } from '../../src/engine/apply-fixes.js';
import { findingsOf, ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;',
    'ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;',
    'CREATE TABLE orders (id bigint, customer_id bigint REFERENCES customers (id));',
    // The table is new, so empty: nothing to check, whatever the transaction.
    'CREATE TABLE orders (id bigint, customer_id bigint);\nALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (customer_id) REFERENCES customers (id);',
    {
      sql: 'CREATE TABLE orders (id bigint, customer_id bigint);\nALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id);',
      options: { transaction: true },
    },
    {
      sql: 'CREATE TABLE orders (id bigint);\nALTER TABLE orders ADD COLUMN customer_id bigint REFERENCES customers (id);',
      options: { transaction: false },
    },
    "SELECT 'ALTER TABLE orders ADD FOREIGN KEY (a) REFERENCES b (id)';",
    // A function body does not run at migration time.
    'CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN ALTER TABLE orders ADD FOREIGN KEY (a) REFERENCES b (id); END $$;',
  ],
  invalid: [
    {
      sql: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);',
      line: 1,
      column: 24,
      message: /FOREIGN KEY orders_customer_fk is added to "orders" without NOT VALID: takes SHARE ROW EXCLUSIVE on "orders" and "customers": blocks writes/,
    },
    {
      sql: 'SELECT 1;\nALTER TABLE app.orders\n  ADD FOREIGN KEY (customer_id) REFERENCES app.customers (id) ON DELETE CASCADE;',
      line: 3,
      column: 7,
      message: /"app\.orders" and "app\.customers"/,
    },
    { sql: 'ALTER TABLE nodes ADD FOREIGN KEY (parent_id) REFERENCES nodes (id);', line: 1, column: 23, message: /on "nodes": blocks writes/ },
    {
      sql: 'ALTER TABLE orders ADD COLUMN customer_id bigint REFERENCES customers (id);',
      line: 1,
      column: 50,
      message: /column customer_id is added to "orders" with REFERENCES "customers".*ACCESS EXCLUSIVE/,
    },
    // Created later, not earlier: the ALTER is on the live table.
    { sql: 'ALTER TABLE orders ADD FOREIGN KEY (c) REFERENCES customers (id);\nCREATE TABLE orders (c int);', line: 1, column: 24 },
    {
      sql: 'ALTER TABLE orders ADD FOREIGN KEY (a) REFERENCES b (id), ADD FOREIGN KEY (c) REFERENCES d (id) NOT VALID, ADD FOREIGN KEY (e) REFERENCES f (id);',
      line: 1,
      column: 24,
      count: 2,
    },
    // Inside a DO block: located inside the block.
    {
      sql: 'DO $$\nBEGIN\n  ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES customers (id);\nEND\n$$;',
      line: 3,
      column: 26,
      options: { transaction: true },
    },
  ],
});

describe('require-not-valid-foreign-key fix', () => {
  const fixed = async (sql: string) => {
    const [f] = await findingsOf(rule, sql);
    expect(f.fix).toBeDefined();
    return applyFixes(sql, f.fix!.edits);
  };

  it('appends NOT VALID after the constraint, before the next subcommand', async () => {
    expect(await fixed('ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES customers (id) ON DELETE CASCADE, ADD COLUMN x int;')).toBe(
      'ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES customers (id) ON DELETE CASCADE NOT VALID, ADD COLUMN x int;',
    );
  });

  it('appends NOT VALID at the end of the statement', async () => {
    expect(await fixed('ALTER TABLE orders\n  ADD FOREIGN KEY (c) REFERENCES customers (id)  ;\n')).toBe(
      'ALTER TABLE orders\n  ADD FOREIGN KEY (c) REFERENCES customers (id) NOT VALID  ;\n',
    );
  });

  it('fixes inside a DO block too', async () => {
    const sql = 'DO $$ BEGIN ALTER TABLE t ADD FOREIGN KEY (c) REFERENCES u (id); END $$;';
    expect(await fixed(sql)).toBe('DO $$ BEGIN ALTER TABLE t ADD FOREIGN KEY (c) REFERENCES u (id) NOT VALID; END $$;');
  });

  it('offers no fix for the column form', async () => {
    const [f] = await findingsOf(rule, 'ALTER TABLE orders ADD COLUMN c bigint REFERENCES customers (id);');
    expect(f.fix).toBeUndefined();
  });
});
