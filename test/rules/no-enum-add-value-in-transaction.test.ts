import rule from '../../rules/no-enum-add-value-in-transaction.js';
import { ruleCases } from '../helpers/rule-cases.js';

const add = "ALTER TYPE order_status ADD VALUE 'refunded';";
const use = "UPDATE orders SET status = 'refunded' WHERE refunded_at IS NOT NULL;";

ruleCases(rule, {
  valid: [
    // PostgreSQL 12+: adding in a transaction is fine when the value is not used in it.
    { sql: add, options: { transaction: true } },
    { sql: "ALTER TYPE order_status ADD VALUE 'refunded' BEFORE 'cancelled';", options: { transaction: true } },
    // Used after the COMMIT.
    `BEGIN;\n${add}\nCOMMIT;\n${use}`,
    // No transaction: each statement commits.
    { sql: `${add}\n${use}`, options: { transaction: false } },
    // Unknown transaction: not reported.
    `${add}\n${use}`,
    // Before 12 but outside a transaction.
    { sql: add, options: { transaction: false, pgVersion: 11 } },
    // The type is created in the same transaction: both are allowed.
    { sql: `CREATE TYPE order_status AS ENUM ('new');\n${add}\n${use}`, options: { transaction: true } },
    { sql: `CREATE TYPE order_status AS ENUM ('new');\n${add}`, options: { transaction: true, pgVersion: 11 } },
    { sql: "ALTER TYPE order_status RENAME VALUE 'done' TO 'refunded';\nSELECT 'refunded';", options: { transaction: true } },
  ],
  invalid: [
    {
      sql: add,
      options: { transaction: true, pgVersion: 11 },
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 45,
      message: 'ALTER TYPE order_status ADD VALUE cannot run inside the transaction the migration runs in (transaction setting) before PostgreSQL 12: the migration fails here; add the value without a transaction: ' +
        'outside any BEGIN ... COMMIT, with a runner that sends statements one by one (psql does)',
    },
    { sql: `BEGIN;\n${add}\nCOMMIT;`, options: { pgVersion: 10 }, line: 2, column: 1, endLine: 2, endColumn: 45, message: /opened on line 1/ },
    {
      sql: `${add}\n${use}`,
      options: { transaction: true },
      line: 2,
      column: 28,
      endLine: 2,
      endColumn: 38,
      message: /'refunded' is added to enum order_status on line 1 in this same transaction.*unsafe use of new value/,
    },
    {
      sql: `BEGIN;\n${add}\nALTER TABLE orders ALTER status SET DEFAULT 'refunded';\nCOMMIT;`,
      line: 3,
      column: 45,
      endLine: 3,
      endColumn: 55,
      message: '\'refunded\' is added to enum order_status on line 2 in this same transaction: PostgreSQL refuses to use it before that transaction commits ("unsafe use of new value"); use it in a later migration',
    },
    // Created in an earlier transaction: the new value still cannot be used before COMMIT.
    {
      sql: `CREATE TYPE order_status AS ENUM ('new');\nBEGIN;\n${add}\n${use}\nCOMMIT;`,
      options: { transaction: false },
      line: 4,
      column: 28,
      endLine: 4,
      endColumn: 38,
      message: '\'refunded\' is added to enum order_status on line 3 in this same transaction: PostgreSQL refuses to use it before that transaction commits ("unsafe use of new value"); use it in a later migration',
    },
    // Inside a DO block: one transaction.
    {
      sql: `DO $$\nBEGIN\n  ${add}\n  ${use}\nEND $$;`,
      options: { transaction: false },
      line: 4,
      column: 30,
      endLine: 4,
      endColumn: 40,
      message: '\'refunded\' is added to enum order_status on line 3 in this same transaction: PostgreSQL refuses to use it before that transaction commits ("unsafe use of new value"); use it in a later migration',
    },
  ],
});
