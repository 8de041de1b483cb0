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
      endLine: 1,
      endColumn: 34,
      message: 'FOREIGN KEY orders_customer_fk is added to "orders" without NOT VALID: takes SHARE ROW EXCLUSIVE on "orders" and "customers": blocks writes while every row is checked; add it NOT VALID and VALIDATE it in a separate transaction',
      output: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;',
    },
    {
      sql: 'SELECT 1;\nALTER TABLE app.orders\n  ADD FOREIGN KEY (customer_id) REFERENCES app.customers (id) ON DELETE CASCADE;',
      line: 3,
      column: 7,
      endLine: 3,
      endColumn: 14,
      message: /"app\.orders" and "app\.customers"/,
      output: 'SELECT 1;\nALTER TABLE app.orders\n  ADD FOREIGN KEY (customer_id) REFERENCES app.customers (id) ON DELETE CASCADE NOT VALID;',
    },
    {
      sql: 'ALTER TABLE nodes ADD FOREIGN KEY (parent_id) REFERENCES nodes (id);',
      line: 1,
      column: 23,
      endLine: 1,
      endColumn: 30,
      message: /on "nodes": blocks writes/,
      output: 'ALTER TABLE nodes ADD FOREIGN KEY (parent_id) REFERENCES nodes (id) NOT VALID;',
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN customer_id bigint REFERENCES customers (id);',
      line: 1,
      column: 50,
      endLine: 1,
      endColumn: 60,
      message: /column customer_id is added to "orders" with REFERENCES "customers".*ACCESS EXCLUSIVE/,
      output: null,
    },
    // Created later, not earlier: the ALTER is on the live table.
    {
      sql: 'ALTER TABLE orders ADD FOREIGN KEY (c) REFERENCES customers (id);\nCREATE TABLE orders (c int);',
      line: 1,
      column: 24,
      endLine: 1,
      endColumn: 31,
      message: 'FOREIGN KEY is added to "orders" without NOT VALID: takes SHARE ROW EXCLUSIVE on "orders" and "customers": blocks writes while every row is checked; add it NOT VALID and VALIDATE it in a separate transaction',
      output: 'ALTER TABLE orders ADD FOREIGN KEY (c) REFERENCES customers (id) NOT VALID;\nCREATE TABLE orders (c int);',
    },
    {
      sql: 'ALTER TABLE orders ADD FOREIGN KEY (a) REFERENCES b (id), ADD FOREIGN KEY (c) REFERENCES d (id) NOT VALID, ADD FOREIGN KEY (e) REFERENCES f (id);',
      line: 1,
      column: 24,
      endLine: 1,
      endColumn: 31,
      count: 2,
      message: 'FOREIGN KEY is added to "orders" without NOT VALID: takes SHARE ROW EXCLUSIVE on "orders" and "b": blocks writes while every row is checked; add it NOT VALID and VALIDATE it in a separate transaction',
      output: 'ALTER TABLE orders ADD FOREIGN KEY (a) REFERENCES b (id) NOT VALID, ADD FOREIGN KEY (c) REFERENCES d (id) NOT VALID, ADD FOREIGN KEY (e) REFERENCES f (id) NOT VALID;',
    },
    // Inside a DO block: located inside the block.
    {
      sql: 'DO $$\nBEGIN\n  ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES customers (id);\nEND\n$$;',
      line: 3,
      column: 26,
      endLine: 3,
      endColumn: 36,
      options: { transaction: true },
      message: 'FOREIGN KEY fk is added to "orders" without NOT VALID: takes SHARE ROW EXCLUSIVE on "orders" and "customers": blocks writes while every row is checked; add it NOT VALID and VALIDATE it in a separate transaction',
      output: 'DO $$\nBEGIN\n  ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES customers (id) NOT VALID;\nEND\n$$;',
    },
    // A knex builder call: reported at the call, no fix (the SQL is printed, not written).
    {
      sql: "exports.up = (knex) => knex.schema.alterTable('orders', (t) => {\n  t.foreign('customer_id').references('customers.id');\n});\nexports.down = () => {};\n",
      filename: 'migrations/20240101000000_fk.js',
      line: 2,
      column: 3,
      message: 'FOREIGN KEY orders_customer_id_foreign is added to "orders" without NOT VALID: takes SHARE ROW EXCLUSIVE on "orders" and "customers": blocks writes while every row is checked; add it NOT VALID and VALIDATE it in a separate transaction',
      output: null,
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
